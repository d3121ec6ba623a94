"""Serialize classified pages: cleaned text, JSON and the labels format (shared by the CLI and integrations)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from enum import Enum

from . import cleaner as cleaning
from .labels import Label
from .labelsfile import format_labels
from .paragraph import Paragraph


class OutputFormat(str, Enum):
    TEXT = "text"
    JSON = "json"
    LABELS = "labels"

    @property
    def suffix(self) -> str:
        return {"text": ".txt", "json": ".json", "labels": ".tsv"}[self.value]


def paragraph_record(paragraph: Paragraph) -> dict:
    return {
        "text": paragraph.text,
        "label": paragraph.label.value,
        "confidence": round(paragraph.confidence, 4),
        "scores": {name: round(score, 4) for name, score in paragraph.score_map.items()},
        "start_line": paragraph.start_line,
        "end_line": paragraph.end_line,
    }


def document_record(paragraphs: Sequence[Paragraph], keep: Iterable[Label], **fields: object) -> dict:
    """The JSON form of one page: extra fields (``source`` or ``id``), the cleaned text, every paragraph."""
    return {**fields, "text": cleaning.join(cleaning.kept(paragraphs, keep)), "paragraphs": [paragraph_record(p) for p in paragraphs]}


def render(paragraphs: Sequence[Paragraph], output_format: OutputFormat, keep: Iterable[Label], source: str) -> str:
    """One page's output in the requested format, ending with a newline unless empty."""
    if output_format is OutputFormat.JSON:
        return json.dumps(document_record(paragraphs, keep, source=source), ensure_ascii=False) + "\n"
    if output_format is OutputFormat.LABELS:
        return format_labels(paragraphs, doc_id=source)
    text = cleaning.join(cleaning.kept(paragraphs, keep))
    return text + "\n" if text else ""
