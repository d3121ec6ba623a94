"""The whole pipeline in one place: decode → segment → featurize + classify (with context) → clean."""

from __future__ import annotations

from collections.abc import Iterable

from . import cleaner as cleaning
from .predict import Favor, predict, predict_pages, predict_proba, predict_proba_pages
from .decode import decode
from .labels import Label
from .model import Model, default_model
from .paragraph import Paragraph
from .segment import InputFormat, segment


def classify(
    source: str | bytes,
    *,
    keep: Iterable[Label | str] | None = cleaning.DEFAULT_KEEP,
    input_format: InputFormat | str = InputFormat.AUTO,
    model: Model | None = None,
    favor: Favor | str = Favor.BALANCED,
) -> list[Paragraph]:
    """Split a page (text or HTML, str or bytes) into paragraphs, each with a label, confidence and scores.

    Labels are settled for the cleaner's ``keep`` set: the paragraphs labelled as kept stay kept when
    the cleaned page is classified again (``None``: every paragraph judged on the full page only). A paragraph is
    kept when its kept labels together are likelier than not; ``favor="precision"`` asks for odds of 2 : 1,
    ``"recall"`` settles for 1 : 2 (see :class:`Favor`).
    """
    return predict(_paragraphs(source, input_format), model or default_model(), _labels(keep), Favor(favor))


def clean(
    source: str | bytes,
    keep: Iterable[Label | str] = cleaning.DEFAULT_KEEP,
    *,
    input_format: InputFormat | str = InputFormat.AUTO,
    model: Model | None = None,
    favor: Favor | str = Favor.BALANCED,
) -> str:
    """The page's editorial text: the kept paragraphs in order, joined by blank lines (``favor``: see :func:`classify`)."""
    keep = _labels(keep)
    paragraphs = _paragraphs(source, input_format)
    probabilities = predict_proba(paragraphs, model or default_model(), keep, Favor(favor))
    return cleaning.join(cleaning.kept_by_scores(paragraphs, probabilities, keep))


def classify_many(
    sources: Iterable[str | bytes],
    *,
    keep: Iterable[Label | str] | None = cleaning.DEFAULT_KEEP,
    input_format: InputFormat | str = InputFormat.AUTO,
    model: Model | None = None,
    favor: Favor | str = Favor.BALANCED,
) -> list[list[Paragraph]]:
    """:func:`classify` for a batch of pages, featurized together (several times faster for small pages).

    Every page must be readable: one bad source raises its InputError (use :func:`classify` per page, or
    the CLI's JSON Lines mode, to skip bad pages and keep going).
    """
    pages = [_paragraphs(source, input_format) for source in sources]
    return predict_pages(pages, model or default_model(), _labels(keep), Favor(favor))


def clean_many(
    sources: Iterable[str | bytes],
    keep: Iterable[Label | str] = cleaning.DEFAULT_KEEP,
    *,
    input_format: InputFormat | str = InputFormat.AUTO,
    model: Model | None = None,
    favor: Favor | str = Favor.BALANCED,
) -> list[str]:
    """:func:`clean` for a batch of pages (see :func:`classify_many`)."""
    keep = _labels(keep)
    pages = [_paragraphs(source, input_format) for source in sources]
    scores = predict_proba_pages(pages, model or default_model(), keep, Favor(favor))
    return [cleaning.join(cleaning.kept_by_scores(page, probabilities, keep)) for page, probabilities in zip(pages, scores)]


def _paragraphs(source: str | bytes, input_format: InputFormat | str) -> list[Paragraph]:
    """Decode, then segment: the unlabelled paragraphs of one page."""
    return segment(decode(source), InputFormat(input_format))


def _labels(keep: Iterable[Label | str] | None) -> frozenset[Label] | None:
    return None if keep is None else frozenset(Label(label) for label in keep)
