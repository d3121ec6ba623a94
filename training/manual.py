"""Hand labels of real corpus pages, stored without their text: ``label<TAB>key`` per paragraph.

The key is a short hash of the paragraph text, so the repo holds our labels but none of the page's
words; the text is re-read from the corpus when the corpus is built.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from classifier.labels import Label
from classifier.labelsfile import read_labelled_file

from .corpus import REPO, corpora_dir

MANUAL_DIR = REPO / "data" / "manual" / "trafilatura"


def text_key(text: str) -> str:
    """12 hex digits of SHA-1 over the whitespace-normalized text."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def hand_labels(path: Path) -> dict[str, Label]:
    """One page's hand labels as stored in the repo: text key → label (an unknown label raises ValueError)."""
    rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#"))
    return {key: Label(label) for label, key in rows}


def export(page_ids: list[str], out_dir: Path, corpora: Path) -> None:
    """Write pre-annotated labels files (with text) for hand-labelling, outside the repo."""
    from classifier.segment import html_blocks

    from .sources import trafilatura_labels, trafilatura_page

    out_dir.mkdir(parents=True, exist_ok=True)
    for page_id in page_ids:
        meta, html = trafilatura_page(corpora, page_id)
        blocks = html_blocks(html)
        labelled = trafilatura_labels(blocks, meta, html)
        lines = [f"# doc: {page_id}", f"# url: {meta.get('url')}"]
        lines += [f"{label.value}\t{block.paragraph.text}" for block, (label, _, _) in zip(blocks, labelled)]
        (out_dir / f"{page_id}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def store(edited: Path) -> Path:
    """Turn an edited labels file (with text) into the repo form (labels + text keys only)."""
    docs = read_labelled_file(edited)
    page_id = docs[0][0]
    lines = [f"# hand labels of trafilatura-eval page {page_id}; key = sha1(text)[:12], text stays in the corpus"]
    lines += [f"{label.value}\t{text_key(text)}" for _, items in docs for label, text in items]
    MANUAL_DIR.mkdir(parents=True, exist_ok=True)
    target = MANUAL_DIR / f"{page_id}.tsv"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("export", help="pre-annotate pages for hand-labelling (files with text, keep outside git)")
    ex.add_argument("out_dir", type=Path)
    ex.add_argument("page_ids", nargs="+")
    ex.add_argument("--corpora", default=None)
    st = sub.add_parser("store", help="store edited files as labels + text keys in data/manual/")
    st.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.command == "export":
        export(args.page_ids, args.out_dir, corpora_dir(args.corpora))
    else:
        for path in args.files:
            print(store(path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
