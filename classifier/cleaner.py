"""Stage 4, clean: keep the paragraphs whose label is wanted (by default only ``news``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .labels import LABELS, Label
from .paragraph import Paragraph

DEFAULT_KEEP: frozenset[Label] = frozenset({Label.NEWS})
PARAGRAPH_SEPARATOR = "\n\n"


def kept(paragraphs: Sequence[Paragraph], keep: Iterable[Label | str] = DEFAULT_KEEP) -> list[Paragraph]:
    """The classified paragraphs whose label is in ``keep``, in their original order."""
    wanted = {Label(label) for label in keep}
    return [paragraph for paragraph in paragraphs if paragraph.label in wanted]


def kept_by_scores(paragraphs: Sequence[Paragraph], probabilities: np.ndarray, keep: Iterable[Label | str] = DEFAULT_KEEP) -> list[Paragraph]:
    """:func:`kept` from a page's probabilities (n, labels) directly, without labelled copies."""
    wanted_labels = {Label(label) for label in keep}
    wanted = np.array([label in wanted_labels for label in LABELS])
    mask = wanted[probabilities.argmax(axis=1)] if len(paragraphs) else np.zeros(0, dtype=bool)
    return [paragraph for paragraph, keep_it in zip(paragraphs, mask.tolist()) if keep_it]


def join(paragraphs: Sequence[Paragraph]) -> str:
    """Paragraph texts joined by blank lines: the cleaned text."""
    return PARAGRAPH_SEPARATOR.join(paragraph.text for paragraph in paragraphs)
