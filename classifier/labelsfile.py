"""The labels format: the editable round-trip format for pre-annotation and retraining.

::

    # doc: page-17            starts a document
    # any other comment
    news<TAB>Paragraph text …
    ad<TAB>Kostenlosen Leitfaden herunterladen

JSON Lines with ``{"doc", "text", "label"}`` per paragraph are accepted too (``.jsonl`` files).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import LabelError, LabelsFormatError
from .jsonl import json_objects
from .labels import Label, parse_label
from .paragraph import Paragraph

DOC_PREFIX = "# doc:"
LabelledDoc = tuple[str, list[tuple[Label, str]]]


def format_labels(paragraphs: Sequence[Paragraph], doc_id: str | None = None) -> str:
    """Classified paragraphs as labels-format lines (tabs and newlines inside text become spaces)."""
    lines = [f"{DOC_PREFIX} {doc_id}"] if doc_id else []
    lines += [f"{p.label.value}\t{' '.join(p.text.split())}" for p in paragraphs]
    return "\n".join(lines) + ("\n" if lines else "")


def read_labelled_file(path: str | os.PathLike[str]) -> list[LabelledDoc]:
    """Documents of one labels-format (or ``.jsonl``) file; malformed lines raise ``file:line: reason``."""
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelsFormatError(f"{path}: cannot read ({exc})") from None
    if path.suffix == ".jsonl":
        return _read_jsonl(path, content.splitlines())
    return _read_tsv(path, content.splitlines())


def _read_tsv(path: Path, lines: Iterable[str]) -> list[LabelledDoc]:
    docs: list[LabelledDoc] = []
    current: list[tuple[Label, str]] = []
    doc_id = path.stem
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if line.startswith(DOC_PREFIX):
            if current:
                docs.append((doc_id, current))
            doc_id, current = line[len(DOC_PREFIX):].strip() or f"{path.stem}-{number}", []
            continue
        if line.startswith("#"):
            continue
        if "\t" not in line:
            raise LabelsFormatError(f"{path}:{number}: expected 'label<TAB>text'")
        name, text = line.split("\t", 1)
        current.append((_label(path, number, name), _text(path, number, text)))
    if current:
        docs.append((doc_id, current))
    return docs


def _read_jsonl(path: Path, lines: Iterable[str]) -> list[LabelledDoc]:
    docs: dict[str, list[tuple[Label, str]]] = {}
    for number, item, error in json_objects(lines, str(path)):
        if error is not None:
            raise LabelsFormatError(error)
        assert item is not None
        if "text" not in item or "label" not in item:
            raise LabelsFormatError(f"{path}:{number}: expected an object with 'text' and 'label'")
        doc = str(item.get("doc") or path.stem)
        docs.setdefault(doc, []).append((_label(path, number, str(item["label"])), _text(path, number, str(item["text"]))))
    return list(docs.items())


def _label(path: Path, number: int, name: str) -> Label:
    try:
        return parse_label(name)
    except LabelError as exc:
        raise LabelsFormatError(f"{path}:{number}: {exc}") from None


def _text(path: Path, number: int, text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise LabelsFormatError(f"{path}:{number}: empty paragraph text")
    return text


def labelled_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand files and directories (``*.tsv``, ``*.txt``, ``*.jsonl`` inside) into a sorted file list."""
    out: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            out.extend(sorted(p for p in item.rglob("*") if p.suffix in {".tsv", ".jsonl", ".labels"} and p.is_file()))
        else:
            out.append(item)
    return out
