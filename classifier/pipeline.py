"""The whole pipeline in one place: decode → segment → featurize + classify (with context) → clean."""

from __future__ import annotations

from collections.abc import Iterable

from . import cleaner as cleaning
from .predict import predict
from .decode import decode
from .labels import Label
from .model import Model, default_model
from .paragraph import Paragraph
from .segment import InputFormat, segment


def classify(
    source: str | bytes, *, input_format: InputFormat | str = InputFormat.AUTO, model: Model | None = None
) -> list[Paragraph]:
    """Split a page (text or HTML, str or bytes) into paragraphs, each with a label, confidence and scores."""
    paragraphs = segment(decode(source), InputFormat(input_format))
    return predict(paragraphs, model or default_model())


def clean(
    source: str | bytes,
    keep: Iterable[Label | str] = cleaning.DEFAULT_KEEP,
    *,
    input_format: InputFormat | str = InputFormat.AUTO,
    model: Model | None = None,
) -> str:
    """The page's editorial text: the kept paragraphs in order, joined by blank lines."""
    return cleaning.join(cleaning.kept(classify(source, input_format=input_format, model=model), keep))
