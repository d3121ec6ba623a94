"""``clean-article-eval``: measure models on labelled files, or on pages with gold article text.

    clean-article-eval labelled/ --out report                 per-label P/R/F1, confusion, keep(news)
    clean-article-eval --pages pages/ --gold gold/ --out rep  4-gram shingle P/R/F1 of the cleaned text
    ... --model mine.npz --baseline other.npz                 two models side by side (+ jusText on pages)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import CleanerError
from .evaluate import GoldPage, evaluate_labelled, evaluate_pages, justext_pages, write_reports
from .labelsfile import labelled_files, read_labelled_file
from .model import DEFAULT_MODEL_PATH, load_model

PROG = "clean-article-eval"


def _pages(pages_dir: Path, gold_dir: Path) -> list[GoldPage]:
    """Pages in ``pages_dir`` whose gold text ``gold_dir/<stem>.txt`` exists."""
    out = []
    for page in sorted(p for p in pages_dir.iterdir() if p.is_file()):
        gold = gold_dir / (page.name.split(".")[0] + ".txt")
        if gold.exists():
            out.append(GoldPage(page.name, page.read_bytes(), gold.read_text(encoding="utf-8", errors="replace")))
    if not out:
        raise CleanerError(f"no page in {pages_dir} has a gold text in {gold_dir}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labelled", nargs="*", help="labels-format/JSONL files or folders")
    parser.add_argument("--pages", type=Path, help="folder of pages (text or HTML) to clean")
    parser.add_argument("--gold", type=Path, help="folder of gold article texts <stem>.txt for --pages")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--baseline", type=Path, help="a second model to compare side by side")
    parser.add_argument("--out", type=Path, default=Path("evaluation"), help="report prefix: writes PREFIX.md, PREFIX.json, PNGs")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        if not args.labelled and not args.pages:
            raise CleanerError("give labelled files or --pages with --gold")
        models = {args.model.stem: load_model(args.model)}
        if args.baseline:
            models[args.baseline.stem + " (baseline)"] = load_model(args.baseline)
        reports, text_level = {}, {}
        if args.labelled:
            docs = [d for path in labelled_files(args.labelled) for d in read_labelled_file(path)]
            reports = {name: evaluate_labelled(docs, model) for name, model in models.items()}
        if args.pages:
            if not args.gold:
                raise CleanerError("--pages needs --gold")
            pages = _pages(args.pages, args.gold)
            text_level = {name: evaluate_pages(pages, model) for name, model in models.items()}
            baseline = justext_pages(pages)
            if baseline is not None:
                text_level["jusText"] = baseline
        written = write_reports(args.out, "Evaluation", reports, text_level or None)
        sys.stdout.write(written[0].read_text(encoding="utf-8"))
        return 0
    except CleanerError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2


def console_main() -> None:
    sys.exit(main())
