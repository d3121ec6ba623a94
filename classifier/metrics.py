"""Evaluation measures shared by ``clean-article-eval``, the held-out report and the quality gate."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from .labels import LABELS, Label

SHINGLE_SIZE = 4
_WORD = re.compile(r"\w+")


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def label_report(gold: Sequence[Label], predicted: Sequence[Label]) -> dict:
    """Per-label precision/recall/F1, macro-F1 over labels present in the gold data, keep(news) scores,
    accuracy and the confusion matrix (rows: gold, columns: predicted, in Label order)."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    index = {label: i for i, label in enumerate(LABELS)}
    confusion = np.zeros((len(LABELS), len(LABELS)), dtype=np.int64)
    for g, p in zip(gold, predicted):
        confusion[index[g], index[p]] += 1
    per_label = {}
    for i, label in enumerate(LABELS):
        tp = confusion[i, i]
        p, r, f = _prf(tp, confusion[:, i].sum() - tp, confusion[i, :].sum() - tp)
        per_label[label.value] = {"precision": p, "recall": r, "f1": f, "support": int(confusion[i, :].sum())}
    present = [v["f1"] for v in per_label.values() if v["support"] > 0]
    news = per_label[Label.NEWS.value]
    return {
        "paragraphs": len(gold),
        "accuracy": float(np.trace(confusion) / max(1, len(gold))),
        "macro_f1": float(np.mean(present)) if present else 0.0,
        "keep_news": {"precision": news["precision"], "recall": news["recall"], "f1": news["f1"]},
        "per_label": per_label,
        "confusion": confusion.tolist(),
    }


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[tuple[str, ...]]:
    """Word n-gram shingles of a text (NFKC, lower case, words only)."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).lower())
    if 0 < len(words) < size:
        return {tuple(words)}
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def text_prf(predicted: str, gold: str) -> tuple[float, float, float]:
    """Shingle precision/recall/F1 of a cleaned text against the gold article text.

    An empty output has precision 1 (it claims nothing wrong) and recall 0, unless the gold is empty too.
    """
    p, g = shingles(predicted), shingles(gold)
    if not p and not g:
        return 1.0, 1.0, 1.0
    if not p:
        return 1.0, 0.0, 0.0
    common = len(p & g)
    return _prf(common, len(p) - common, len(g) - common)


def confusion_table(report: dict) -> str:
    """The confusion matrix as an aligned text table."""
    names = [label.value for label in LABELS]
    width = max(len(n) for n in names) + 2
    lines = ["gold \\ predicted".ljust(width + 6) + "".join(n[:10].rjust(12) for n in names)]
    for name, row in zip(names, report["confusion"]):
        lines.append(name.ljust(width + 6) + "".join(str(v).rjust(12) for v in row))
    return "\n".join(lines)
