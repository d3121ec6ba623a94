"""Stage 4, clean: keep the paragraphs whose label is wanted (by default only ``news``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .labels import Label
from .paragraph import Paragraph

DEFAULT_KEEP: frozenset[Label] = frozenset({Label.NEWS})
PARAGRAPH_SEPARATOR = "\n\n"


def kept(paragraphs: Sequence[Paragraph], keep: Iterable[Label | str] = DEFAULT_KEEP) -> list[Paragraph]:
    """The classified paragraphs whose label is in ``keep``, in their original order."""
    wanted = {Label(label) for label in keep}
    return [paragraph for paragraph in paragraphs if paragraph.label in wanted]


def join(paragraphs: Sequence[Paragraph]) -> str:
    """Paragraph texts joined by blank lines: the cleaned text."""
    return PARAGRAPH_SEPARATOR.join(paragraph.text for paragraph in paragraphs)
