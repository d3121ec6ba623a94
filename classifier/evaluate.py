"""Evaluate models on labelled documents or on pages with gold text (shared by the eval and train CLIs)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import cleaner
from .labels import LABELS, Label
from .labelsfile import LabelledDoc
from .metrics import confusion_table, label_report, text_prf
from .model import Model
from .paragraph import Paragraph
from .predict import predict, predict_proba


def doc_paragraphs(items: Sequence[tuple[Label, str]]) -> list[Paragraph]:
    """Labelled-file paragraphs as a text page (one paragraph per line)."""
    return [Paragraph(text, i + 1, i + 1) for i, (_, text) in enumerate(items)]


def predicted_labels(items: Sequence[tuple[Label, str]], model: Model) -> list[Label]:
    return labels_of(doc_paragraphs(items), model)


def labels_of(paragraphs: Sequence[Paragraph], model: Model, settled: bool = True) -> list[Label]:
    """Each paragraph's label as the cleaner sees it (settled for the default keep set), or the full-page
    labels (``settled=False``)."""
    keep = cleaner.DEFAULT_KEEP if settled else None
    return [LABELS[i] for i in predict_proba(paragraphs, model, keep).argmax(axis=1)]


def evaluate_labelled(docs: Sequence[LabelledDoc], model: Model) -> dict:
    """Paragraph-level report of one model on labelled documents."""
    gold: list[Label] = []
    predicted: list[Label] = []
    for _, items in docs:
        gold.extend(label for label, _ in items)
        predicted.extend(predicted_labels(items, model))
    return label_report(gold, predicted)


@dataclass(frozen=True, slots=True)
class GoldPage:
    """A page (text or HTML) and the gold text of its article."""

    name: str
    source: bytes
    gold: str


def evaluate_pages(pages: Sequence[GoldPage], model: Model) -> dict:
    """Text-level shingle precision/recall/F1 of the cleaned text, averaged over pages."""
    from .decode import decode
    from .segment import segment

    scores = []
    for page in pages:
        cleaned = cleaner.join(cleaner.kept(predict(segment(decode(page.source)), model, cleaner.DEFAULT_KEEP)))
        scores.append(text_prf(cleaned, page.gold))
    return _mean_prf(scores, len(pages))


def _mean_prf(scores: list[tuple[float, float, float]], n: int) -> dict:
    if not scores:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "documents": 0}
    p, r, f = (sum(values) / len(scores) for values in zip(*scores))
    return {"precision": p, "recall": r, "f1": f, "documents": n}


def paragraphs_as_html(texts: Sequence[str]) -> str:
    """Text paragraphs as a minimal HTML page (one ``<p>`` each): how HTML-only tools get text input."""
    from html import escape

    return "<html><body>" + "".join(f"<p>{escape(text)}</p>" for text in texts if text.strip()) + "</body></html>"


def justext_pages(pages: Sequence[GoldPage]) -> dict | None:
    """jusText's text-level scores on the same pages, or None when jusText is not installed."""
    try:
        import justext
    except ImportError:
        return None
    from .decode import decode
    from .segment import looks_like_html

    scores = []
    for page in pages:
        text = decode(page.source)
        if not looks_like_html(text):
            text = paragraphs_as_html(text.splitlines())
        stoplist = justext.get_stoplist("German") | justext.get_stoplist("English")
        kept = [p.text for p in justext.justext(text.encode("utf-8"), stoplist, encoding="utf-8") if not p.is_boilerplate]
        scores.append(text_prf("\n".join(kept), page.gold))
    return _mean_prf(scores, len(pages))


def markdown_report(title: str, reports: dict[str, dict], text_level: dict[str, dict] | None = None) -> str:
    """Side-by-side Markdown of one or more models' paragraph reports (and text-level scores)."""
    lines = [f"# {title}", ""]
    if reports:
        names = list(reports)
        lines += ["| measure | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        rows = [("paragraphs", lambda r: str(r["paragraphs"])), ("accuracy", lambda r: f"{r['accuracy']:.3f}"),
                ("macro-F1", lambda r: f"{r['macro_f1']:.3f}"), ("keep(news) F1", lambda r: f"{r['keep_news']['f1']:.3f}")]
        rows += [(f"F1 {label.value}", lambda r, l=label.value: f"{r['per_label'][l]['f1']:.3f} ({r['per_label'][l]['support']})") for label in LABELS]
        for measure, cell in rows:
            lines.append(f"| {measure} | " + " | ".join(cell(reports[n]) for n in names) + " |")
        for name in names:
            lines += ["", f"Confusion matrix ({name}):", "", "```", confusion_table(reports[name]), "```"]
    if text_level:
        lines += ["", "| system | documents | precision | recall | F1 |", "|---|---|---|---|---|"]
        for name, s in text_level.items():
            lines.append(f"| {name} | {s['documents']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |")
    return "\n".join(lines) + "\n"


def write_reports(prefix: Path, title: str, reports: dict[str, dict], text_level: dict[str, dict] | None = None) -> list[Path]:
    """Write ``prefix.md`` and ``prefix.json`` (and ``prefix.<model>.png`` confusion plots when matplotlib is there)."""
    prefix.parent.mkdir(parents=True, exist_ok=True)
    md, js = prefix.with_name(prefix.name + ".md"), prefix.with_name(prefix.name + ".json")
    md.write_text(markdown_report(title, reports, text_level), encoding="utf-8")
    js.write_text(json.dumps({"paragraph": reports, "text_level": text_level}, indent=1) + "\n", encoding="utf-8")
    written = [md, js]
    for name, report in reports.items():
        png = prefix.with_name(f"{prefix.name}.{name}.png")
        if plot_confusion(report, png, f"{title} — {name}"):
            written.append(png)
    return written


def plot_confusion(report: dict, path: Path, title: str) -> bool:
    """A confusion-matrix PNG; False when matplotlib is not installed (it is an optional extra)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    names = [label.value for label in LABELS]
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    ax.imshow(report["confusion"], cmap="Blues")
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title, fontsize=9)
    for i, row in enumerate(report["confusion"]):
        for j, value in enumerate(row):
            ax.text(j, i, str(value), ha="center", va="center", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True
