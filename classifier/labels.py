"""The label set, defined once. Everything that reads labels (data files, models) checks against it."""

from __future__ import annotations

from enum import Enum

from .errors import LabelError


class Label(str, Enum):
    """Paragraph labels of ../shared/LABELS.md; the order is the column order of every model."""

    NEWS = "news"
    AD = "ad"
    COMMENTS = "comments"
    CAPTION = "caption"
    TEASER = "teaser"
    BOILERPLATE = "boilerplate"

    def __str__(self) -> str:
        return self.value


LABELS: tuple[Label, ...] = tuple(Label)
LABEL_NAMES: tuple[str, ...] = tuple(label.value for label in LABELS)


def parse_label(name: str) -> Label:
    """Turn a label name into a Label, refusing unknown names with the list of valid ones."""
    try:
        return Label(name.strip().lower())
    except ValueError:
        raise LabelError(f"unknown label {name!r} (expected one of: {', '.join(LABEL_NAMES)})") from None


def parse_labels(names: str) -> frozenset[Label]:
    """Parse a comma-separated list such as ``news,caption`` (the CLI's ``--keep``)."""
    parts = [part for part in names.split(",") if part.strip()]
    if not parts:
        raise LabelError("empty label list")
    return frozenset(parse_label(part) for part in parts)


def check_label_order(names: list[str] | tuple[str, ...]) -> None:
    """Refuse a model whose label columns differ from this package's label set."""
    if tuple(names) != LABEL_NAMES:
        raise LabelError(f"label set {list(names)} does not match {list(LABEL_NAMES)}")
