"""The whole pipeline in one place: decode → segment → featurize + classify (with context) → clean."""

from __future__ import annotations

from collections.abc import Iterable

from . import cleaner as cleaning
from .predict import predict, predict_pages
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


def classify_many(
    sources: Iterable[str | bytes], *, input_format: InputFormat | str = InputFormat.AUTO, model: Model | None = None
) -> list[list[Paragraph]]:
    """:func:`classify` for a batch of pages, featurized together (several times faster for small pages).

    Every page must be readable: one bad source raises its InputError (use :func:`classify` per page, or
    the CLI's JSON Lines mode, to skip bad pages and keep going).
    """
    pages = [segment(decode(source), InputFormat(input_format)) for source in sources]
    return predict_pages(pages, model or default_model())


def clean_many(
    sources: Iterable[str | bytes],
    keep: Iterable[Label | str] = cleaning.DEFAULT_KEEP,
    *,
    input_format: InputFormat | str = InputFormat.AUTO,
    model: Model | None = None,
) -> list[str]:
    """:func:`clean` for a batch of pages (see :func:`classify_many`)."""
    keep = frozenset(keep)
    return [cleaning.join(cleaning.kept(page, keep)) for page in classify_many(sources, input_format=input_format, model=model)]
