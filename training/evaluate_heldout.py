"""Evaluate a model on the held-out sites of the cached corpus (never trained on) and write the report.

    python -m training.evaluate_heldout [--model PATH] [--baseline PATH] [--out training/reports/heldout]

Paragraph level: per-label precision/recall/F1, macro-F1 and keep(news) F1, for text and HTML mode and
per language, and in text mode per language by origin: ``data=corpora`` (the public corpora's pages and texts)
apart from ``data=team`` (the team-written lines and the synthetic pages built from them), so that gains on the
team's own held-out data are not read as gains on real pages. Text level: 4-gram shingle F1 of the cleaned text
against the gold article text (sources with full gold text), next to "keep everything" and jusText run on the
same text inputs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from classifier.evaluate import labels_of, paragraphs_as_html
from classifier.labels import LABELS, Label
from classifier.metrics import label_report, text_prf
from classifier.model import DEFAULT_MODEL_PATH, Model, load_model, save_model
from classifier.cleaner import DEFAULT_KEEP
from classifier.predict import Favor, predict_proba_modes

from .corpus import DEFAULT_CACHE, REPO, Doc, fine_known, read_docs, trusted
from .sources import TEAM_SOURCES

REPORT_DIR = REPO / "training" / "reports"
GOLD_TEXT_SOURCES = frozenset({"dragnet", "cleaneval", "wcxb", "l3s-gn1"})


MIN_REPORTED_PARAGRAPHS = 50
"""Per-source and comparison rows of the markdown report need this many paragraphs (fewer say nothing)."""


OTHER_FAVORS = (Favor.PRECISION, Favor.RECALL)
"""The cleaner's other keep modes, reported next to the default (balanced) one in text mode."""


JUSTEXT_STOPLISTS = {"de": "German", "en": "English", "fr": "French", "es": "Spanish"}
"""jusText's stoplist per detected language (English for the rest, as before)."""


def justext_keep(texts: list[str], lang: str) -> list[bool]:
    """jusText's verdict per paragraph, given the text paragraphs wrapped as HTML <p> elements."""
    import justext

    stoplist = justext.get_stoplist(JUSTEXT_STOPLISTS.get(lang, "English"))
    page = paragraphs_as_html(texts)
    kept = {" ".join(p.text.split()) for p in justext.justext(page.encode("utf-8"), stoplist, encoding="utf-8") if not p.is_boilerplate}
    return [" ".join(t.split()) in kept for t in texts]


def keep_report(gold: list[bool], predicted: list[bool]) -> dict[str, float]:
    """Precision/recall/F1 of the keep decision (news or not) over every trusted paragraph."""
    tp = sum(g and p for g, p in zip(gold, predicted))
    precision, recall = tp / max(1, sum(predicted)), tp / max(1, sum(gold))
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall) if tp else 0.0,
            "paragraphs": len(gold)}


def test_docs(cache: Path) -> Iterator[Doc]:
    for path in sorted(cache.glob("*.jsonl")):
        yield from (doc for doc in read_docs(path) if doc.split == "test")


def evaluate(model: Model, cache: Path, with_justext: bool = True, settled: bool = True) -> dict:
    """All held-out measures for one model on the cached corpus."""
    return score_docs(test_docs(cache), model, with_justext, settled)


def score_docs(docs: Iterable[Doc], model: Model, with_justext: bool = True, settled: bool = True) -> dict:
    """Paragraph- and text-level measures of one model on documents (HTML docs before their text twins)."""
    buckets: dict[str, tuple[list[Label], list[Label]]] = defaultdict(lambda: ([], []))
    keep_buckets: dict[str, tuple[list[bool], list[bool]]] = defaultdict(lambda: ([], []))
    justext_buckets: dict[str, tuple[list[bool], list[bool]]] = defaultdict(lambda: ([], []))
    favor_buckets: dict[tuple[str, Favor], tuple[list[bool], list[bool]]] = defaultdict(lambda: ([], []))
    text_scores: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    gold_texts: dict[str, str] = {}
    seconds = 0.0
    for doc in docs:
        if doc.gold_text:
            gold_texts[doc.doc_id] = doc.gold_text
        started = time.perf_counter()
        if settled and doc.mode == "text":  # every keep mode from one scoring of the page; the default's labels first
            [modes] = predict_proba_modes([doc.paragraphs()], model, DEFAULT_KEEP, (Favor.BALANCED, *OTHER_FAVORS))
            predicted, *others = ([LABELS[i] for i in scores.argmax(axis=1)] for scores in modes)
        else:
            predicted, others = labels_of(doc.paragraphs(), model, settled), []
        seconds += time.perf_counter() - started
        fine = [fine_known(doc, row) for row in doc.rows]
        binary = [(g is Label.NEWS, p is Label.NEWS) for g, p, row in zip(doc.labels(), predicted, doc.rows) if trusted(doc, row)]
        keys = [f"mode={doc.mode}", f"mode={doc.mode}/lang={doc.lang}", f"source={doc.source}/mode={doc.mode}", "all"]
        if doc.mode == "text":  # the team's data is text only: HTML is all corpora
            keys.append(f"mode=text/lang={doc.lang}/data={'team' if doc.source in TEAM_SOURCES else 'corpora'}")
        for key in keys:
            buckets[key][0].extend(g for g, f in zip(doc.labels(), fine) if f)
            buckets[key][1].extend(p for p, f in zip(predicted, fine) if f)
            keep_buckets[key][0].extend(g for g, _ in binary)
            keep_buckets[key][1].extend(p for _, p in binary)
        for favor, kept in zip(OTHER_FAVORS, others):  # the other keep modes, on the same trusted paragraphs
            for key in (k for k in keys if k != "all"):
                favor_buckets[key, favor][0].extend(g for g, _ in binary)
                favor_buckets[key, favor][1].extend(p is Label.NEWS for p, row in zip(kept, doc.rows) if trusted(doc, row))
        texts = [row.text for row in doc.rows]
        justext = justext_keep(texts, doc.lang) if with_justext and doc.mode == "text" else None
        if justext is not None:
            judged = [(row.label == Label.NEWS.value, k) for row, k in zip(doc.rows, justext) if trusted(doc, row)]
            for key in (k for k in keys if k != "all"):  # text slices only: "all" mixes in the HTML docs
                justext_buckets[key][0].extend(g for g, _ in judged)
                justext_buckets[key][1].extend(k for _, k in judged)
        base = doc.doc_id.split("#")[0]
        if doc.mode == "text" and doc.source in GOLD_TEXT_SOURCES and base in gold_texts:
            gold_text = gold_texts[base]
            ours = "\n".join(t for t, p in zip(texts, predicted) if p is Label.NEWS)
            text_scores["model"].append(text_prf(ours, gold_text))
            text_scores["keep everything"].append(text_prf("\n".join(texts), gold_text))
            if justext is not None:
                text_scores["jusText"].append(text_prf("\n".join(t for t, k in zip(texts, justext) if k), gold_text))
    reports = {key: label_report(g, p) | {"keep_news": keep_report(*keep_buckets[key])} for key, (g, p) in sorted(buckets.items())}
    for key, (gold, kept) in justext_buckets.items():
        reports[key]["keep_news_justext"] = keep_report(gold, kept)
        reports[key]["keep_news_everything"] = keep_report(gold, [True] * len(gold))
    for (key, favor), (gold, kept) in favor_buckets.items():
        reports[key][f"keep_news_{favor.value}"] = keep_report(gold, kept)
    text_level = {name: dict(zip(("precision", "recall", "f1"), np.mean(values, axis=0).round(4).tolist())) | {"documents": len(values)}
                  for name, values in text_scores.items()}
    return {"paragraph": reports, "text_level": text_level, "predict_seconds": round(seconds, 2)}


def headline_metrics(result: dict) -> dict[str, float]:
    """The pinned metrics of the quality gate."""
    out = {}
    for mode in ("text", "html"):
        report = result["paragraph"].get(f"mode={mode}")
        if report:
            out[f"{mode}.macro_f1"] = round(report["macro_f1"], 4)
            out[f"{mode}.keep_news_f1"] = round(report["keep_news"]["f1"], 4)
            for label, values in report["per_label"].items():
                out[f"{mode}.f1.{label}"] = round(values["f1"], 4)
    for lang in ("de", "en"):
        report = result["paragraph"].get(f"mode=text/lang={lang}")
        if report:
            out[f"text.{lang}.macro_f1"] = round(report["macro_f1"], 4)
    if "model" in result["text_level"]:
        out["text_level.f1"] = result["text_level"]["model"]["f1"]
    return out


def markdown(result: dict, title: str, baseline: dict | None = None) -> str:
    lines = [f"# {title}", ""]
    lines += ["## Paragraph level (held-out sites)", "", "| slice | paragraphs | macro-F1 | keep(news) P | R | F1 | " +
              " | ".join(f"F1 {label.value}" for label in LABELS) + " |", "|" + "---|" * (6 + len(LABELS))]
    for key, report in result["paragraph"].items():
        if key.startswith("source=") and report["paragraphs"] < MIN_REPORTED_PARAGRAPHS:
            continue
        kn = report["keep_news"]
        cells = [f"{report['per_label'][l.value]['f1']:.3f}" if report["per_label"][l.value]["support"] else "–" for l in LABELS]
        lines.append(f"| {key} | {report['paragraphs']} | {report['macro_f1']:.3f} | {kn['precision']:.3f} | {kn['recall']:.3f} | {kn['f1']:.3f} | " + " | ".join(cells) + " |")
    compared = [(key, report) for key, report in result["paragraph"].items() if "keep_news_justext" in report
                and "/data=" not in key and report["keep_news"]["paragraphs"] >= MIN_REPORTED_PARAGRAPHS]
    if compared:
        lines += ["", "## keep(news) at paragraph level next to jusText and keeping everything (text mode, same paragraphs)", "",
                  "| slice | paragraphs | model P / R / F1 | jusText P / R / F1 | keep everything P / F1 |", "|---|---|---|---|---|"]
        for key, report in compared:
            ours, theirs, every = report["keep_news"], report["keep_news_justext"], report["keep_news_everything"]
            lines.append(f"| {key} | {ours['paragraphs']} | {_prf(ours)} | {_prf(theirs)} | {every['precision']:.3f} / {every['f1']:.3f} |")
    favored = [(key, report) for key, report in result["paragraph"].items() if f"keep_news_{Favor.PRECISION.value}" in report
               and key.count("/") <= 1 and "source=" not in key]
    if favored:
        lines += ["", "## keep(news) P / R / F1 by keep mode (`--favor`, text mode)", "",
                  "| slice | " + " | ".join(favor.value for favor in Favor) + " |", "|---|---|---|---|"]
        for key, report in favored:
            modes = {Favor.BALANCED: report["keep_news"]} | {favor: report[f"keep_news_{favor.value}"] for favor in OTHER_FAVORS}
            lines.append(f"| {key} | " + " | ".join(_prf(modes[favor]) for favor in Favor) + " |")
    lines += ["", "## Text level: 4-gram shingle F1 of the cleaned text vs the gold article text (text mode)", "",
              "| system | documents | precision | recall | F1 |", "|---|---|---|---|---|"]
    for name, values in result["text_level"].items():
        lines.append(f"| {name} | {values['documents']} | {values['precision']:.3f} | {values['recall']:.3f} | {values['f1']:.3f} |")
    if baseline:
        lines += ["", "## Before / after (F1 per label)", "", "| slice | label | before | after |", "|---|---|---|---|"]
        for key in ("mode=text/lang=de", "mode=text/lang=de/data=corpora", "mode=text/lang=en", "mode=text/lang=en/data=corpora",
                    "mode=html/lang=de", "mode=html/lang=en"):
            if key in result["paragraph"] and key in baseline["paragraph"]:
                for label in LABELS:
                    after = result["paragraph"][key]["per_label"][label.value]
                    before = baseline["paragraph"][key]["per_label"][label.value]
                    if after["support"]:
                        lines.append(f"| {key} | {label.value} | {before['f1']:.3f} | {after['f1']:.3f} |")
    return "\n".join(lines) + "\n"


def _prf(values: dict[str, float]) -> str:
    return f"{values['precision']:.3f} / {values['recall']:.3f} / {values['f1']:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--baseline", type=Path, help="a second model to report before/after against")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=REPORT_DIR / "heldout")
    parser.add_argument("--no-justext", action="store_true")
    parser.add_argument("--embed", action="store_true", help="store the headline metrics in the model's metadata")
    parser.add_argument("--full-page-labels", action="store_true",
                        help="score the full-page labels instead of the settled ones the cleaner acts on")
    args = parser.parse_args(argv)
    if args.embed and args.full_page_labels:
        parser.error("--embed stores the settled labels' metrics; drop --full-page-labels")
    result = evaluate(load_model(args.model), args.cache, not args.no_justext, not args.full_page_labels)
    base = evaluate(load_model(args.baseline), args.cache, False) if args.baseline else None
    result["headline"] = headline_metrics(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps({"model": result, "baseline": base}, indent=1) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text(markdown(result, f"Held-out evaluation of {args.model.name}", base), encoding="utf-8")
    if args.embed:
        model = load_model(args.model)
        save_model(replace(model, metadata={**model.metadata, "heldout": result["headline"] | {"text_level": result["text_level"]}}), args.model)
    print(json.dumps(result["headline"], indent=1))
    print(f"report: {args.out.with_suffix('.md')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
