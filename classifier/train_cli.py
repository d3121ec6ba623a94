"""``clean-article-train``: retrain on your own labelled pages (the labelling round trip's last step).

    clean-article --format labels page.txt > page.tsv      # pre-annotate
    $EDITOR page.tsv                                        # correct labels
    clean-article-train labelled/ --add page.tsv -o my-model.npz
    clean-article --model my-model.npz page.txt
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .errors import CleanerError
from .evaluate import doc_paragraphs, evaluate_labelled, predicted_labels, write_reports
from .labels import LABELS
from .labelsfile import LabelledDoc, labelled_files, read_labelled_file
from .model import DEFAULT_MODEL_PATH, load_model, save_model
from .train import TrainConfig, TrainDoc, fit

PROG = "clean-article-train"
HOLDOUT_SHARE = 0.2
ADD_WEIGHT = 5.0
MIN_EXAMPLES = 20


def _say(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def read_docs(paths: Sequence[str]) -> list[LabelledDoc]:
    docs: list[LabelledDoc] = []
    for path in labelled_files(paths):
        docs.extend(read_labelled_file(path))
    return docs


def is_holdout(doc_id: str, share: float) -> bool:
    """Documents (or sites, when ids look like ``site/page``) held out for evaluation, by a stable hash."""
    group = doc_id.split("/")[0] if "/" in doc_id else doc_id
    return zlib.crc32(group.encode()) % 1000 < share * 1000


def _train_doc(doc: LabelledDoc, weight: float) -> TrainDoc:
    doc_id, items = doc
    return TrainDoc(doc_id, doc_id.split("/")[0], tuple(doc_paragraphs(items)), tuple(l for l, _ in items), weight)


def _base_docs(corpora: str | None) -> list[TrainDoc]:
    """The bundled model's training corpus, built from the corpora folder (needs the source checkout)."""
    try:
        from training.build_corpus import build
        from training.corpus import DEFAULT_CACHE, corpora_dir
        from training.train_default import load_split, selected, to_train_doc
    except ImportError:
        raise CleanerError("--with-base needs the project's source checkout (the training/ folder)") from None
    if not any(DEFAULT_CACHE.glob("*.jsonl")):
        build(corpora_dir(corpora), DEFAULT_CACHE)
    return [to_train_doc(d) for d in load_split(DEFAULT_CACHE, "train") if selected(d)]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labelled", nargs="*", help="labels-format files (.tsv) or JSONL (.jsonl), or folders of them")
    parser.add_argument("--add", nargs="+", default=[], metavar="FILE", help="corrections that must be learned (weighted, never held out)")
    parser.add_argument("--add-weight", type=float, default=ADD_WEIGHT, help=f"weight of --add paragraphs (default {ADD_WEIGHT})")
    parser.add_argument("--with-base", nargs="?", const="", default=None, metavar="CORPORA_DIR",
                        help="also train on the bundled model's corpus (from a source checkout)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="where to write the new model (.npz)")
    parser.add_argument("--baseline", type=Path, default=DEFAULT_MODEL_PATH, help="model to compare against (default: bundled)")
    parser.add_argument("--report", type=Path, help="report prefix (default: next to the model, <model>.report)")
    parser.add_argument("--holdout", type=float, default=HOLDOUT_SHARE, help="share of documents held out for evaluation")
    parser.add_argument("--max-iter", type=int, default=TrainConfig().max_iter, help="solver iterations")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Train, evaluate against the baseline on held-out documents, write model and report; 0 ok, 2 bad input."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        _say("reading labelled data")
        docs, added = read_docs(args.labelled), read_docs(args.add)
        if not docs and not added and args.with_base is None:
            raise CleanerError("no labelled data given")
        train = [d for d in docs if not is_holdout(d[0], args.holdout)]
        holdout = [d for d in docs if is_holdout(d[0], args.holdout)]
        counts = Counter(label for _, items in train + added for label, _ in items)
        for label in LABELS:
            if counts[label] < MIN_EXAMPLES and args.with_base is None:
                _say(f"warning: label '{label.value}' has only {counts[label]} training examples")
        train_docs = [_train_doc(d, 1.0) for d in train] + [_train_doc(d, args.add_weight) for d in added]
        if args.with_base is not None:
            _say("loading the base corpus")
            train_docs = _base_docs(args.with_base or None) + train_docs
        _say(f"training on {len(train_docs)} documents ({len(holdout)} held out)")
        model = fit(train_docs, TrainConfig(max_iter=args.max_iter), progress=lambda m: _say(f"  {m}"),
                    metadata={"training": {"user_documents": len(docs), "added_documents": len(added)}})
        baseline = load_model(args.baseline) if args.baseline and args.baseline.exists() else None
        _say("evaluating")
        reports = {}
        if holdout:
            if baseline is not None:
                reports["before"] = evaluate_labelled(holdout, baseline)
            reports["after"] = evaluate_labelled(holdout, model)
        corrections = {}
        if added:
            gold = [label for _, items in added for label, _ in items]
            for name, m in (("before", baseline), ("after", model)):
                if m is not None:
                    predicted = [p for _, items in added for p in predicted_labels(items, m)]
                    corrections[name] = sum(g == p for g, p in zip(gold, predicted)) / len(gold)
        model = replace(model, metadata={**model.metadata, "heldout": reports.get("after", {}), "corrections_learned": corrections})
        save_model(model, args.output)
        prefix = args.report or args.output.with_name(args.output.stem + ".report")
        written = write_reports(prefix, f"Retraining report for {args.output.name}", reports)
        if corrections:
            with prefix.with_name(prefix.name + ".md").open("a", encoding="utf-8") as handle:
                handle.write("\n## Corrections (--add)\n\n| model | paragraphs labelled as corrected |\n|---|---|\n")
                for name, share in corrections.items():
                    handle.write(f"| {name} | {share:.1%} |\n")
        _say(f"wrote {args.output} and {', '.join(str(p) for p in written)}")
        print(json.dumps({"model": str(args.output), "heldout": {k: round(v["macro_f1"], 4) for k, v in reports.items()},
                          "corrections_learned": corrections}))
        return 0
    except CleanerError as exc:
        _say(str(exc))
        return 2
    except KeyboardInterrupt:
        return 130


def console_main() -> None:
    sys.exit(main())
