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

from .corpus import DEFAULT_CACHE, REPO

MANUAL_ROOT = REPO / "data" / "manual"
"""Hand labels per source and page: ``<source>/<page id>.tsv``."""

HAND_LABELLED_SOURCES = ("trafilatura", "dragnet")
"""Sources whose builders apply hand labels (their pages are HTML with a stable page id)."""


def manual_dir(source: str) -> Path:
    return MANUAL_ROOT / source


def text_key(text: str) -> str:
    """12 hex digits of SHA-1 over the whitespace-normalized text."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def hand_labels(path: Path) -> dict[str, Label]:
    """One page's hand labels as stored in the repo: text key → label (an unknown label raises ValueError)."""
    rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#"))
    return {key: Label(label) for label, key in rows}


def export(doc_ids: list[str], out_dir: Path, cache: Path, model_path: Path | None = None) -> list[Path]:
    """Write pre-annotated labels files (with text) of built corpus pages for hand-labelling, outside the repo.

    The labels are the corpus's own (gold, rules, earlier hand labels); with a model, the rows that only a weak rule
    labels take the model's label instead (a better start where the rules say little, e.g. Dragnet's non-article
    blocks). Ids are corpus doc ids (``dragnet:R197``, ``trafilatura:p0001``) of HTML pages."""
    from classifier.model import load_model
    from classifier.predict import predict

    from .corpus import GOLD, MANUAL, read_docs

    model = load_model(model_path) if model_path else None
    wanted, written = set(doc_ids), []
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {cache / f"{doc_id.split(':')[0]}.jsonl" for doc_id in wanted}  # a doc id names its source's file
    for path in sorted(path for path in files if path.exists()):
        for doc in read_docs(path):
            if doc.mode != "html" or doc.doc_id not in wanted:
                continue
            labels = [row.label for row in doc.rows]
            if model is not None:
                predicted = predict(doc.paragraphs(), model, None)
                labels = [row.label if row.label_source in (GOLD, MANUAL) else p.label.value for row, p in zip(doc.rows, predicted)]
            lines = [f"# doc: {doc.doc_id}", f"# split: {doc.split}"]
            lines += [f"{label}\t{' '.join(row.text.split())}" for label, row in zip(labels, doc.rows)]
            target = out_dir / f"{doc.doc_id.replace(':', '_')}.tsv"
            target.write_text("\n".join(lines) + "\n", encoding="utf-8")
            written.append(target)
    return written


def store(edited: Path) -> Path:
    """Turn an edited labels file (with text) into the repo form (labels + text keys only), in the folder of the
    page's source (``# doc: dragnet:R197`` → ``data/manual/dragnet/R197.tsv``; a bare id is a trafilatura page)."""
    docs = read_labelled_file(edited)
    doc_id = docs[0][0]
    source, page_id = doc_id.split(":", 1) if ":" in doc_id else ("trafilatura", doc_id)
    if source not in HAND_LABELLED_SOURCES:
        raise ValueError(f"{edited}: hand labels of {source!r} pages are not applied by any builder")
    lines = [f"# hand labels of {source} page {page_id}; key = sha1(text)[:12], text stays in the corpus"]
    lines += [f"{label.value}\t{text_key(text)}" for _, items in docs for label, text in items]
    target = manual_dir(source) / f"{page_id}.tsv"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("export", help="pre-annotate built corpus pages for hand-labelling (files with text, keep outside git)")
    ex.add_argument("out_dir", type=Path)
    ex.add_argument("doc_ids", nargs="+", help="corpus doc ids of HTML pages, e.g. dragnet:R197 trafilatura:p0001")
    ex.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ex.add_argument("--model", type=Path, help="label the weakly labelled rows with this model's labels")
    st = sub.add_parser("store", help="store edited files as labels + text keys in data/manual/")
    st.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.command == "export":
        for path in export(args.doc_ids, args.out_dir, args.cache, args.model):
            print(path)
    else:
        for path in args.files:
            print(store(path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
