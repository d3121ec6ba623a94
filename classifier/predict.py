"""Stage 3, classify: label paragraphs — per-paragraph scores, then a second pass that reads the neighbours' scores.

Boilerplate comes in runs (a comment widget, a teaser box), and an advertorial sits between news
paragraphs; so the context stage sees each paragraph's own probabilities together with those of two
neighbours on each side. Given the labels a cleaner keeps, the labels are then settled (:func:`settle`)
so that cleaning the cleaned text keeps all of it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from .featurize import Placement, featurize, hashed_scores, relocate
from .labels import LABELS, Label
from .model import Model
from .paragraph import Paragraph

CHUNK_PARAGRAPHS = 4000
CHUNK_CHARS = 2_000_000
"""Paragraphs (and characters) featurized at once: bounds memory on huge pages, keeps numpy batches large."""

CONTEXT_OFFSETS = (-2, -1, 1, 2)
"""Neighbours whose first-stage probabilities the context stage reads."""

CONTEXT_WIDTH = (len(LABELS) + 1) * len(CONTEXT_OFFSETS)
"""Columns of :func:`context_features`: per neighbour its probabilities and a presence flag."""

LOG_FLOOR = 1e-4


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def first_stage_parts(
    paragraphs: Sequence[Paragraph], model: Model, placement: Placement | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The first stage's two inputs, featurized in chunks of bounded size: the hashed n-gram part of the
    logits (n, labels), which depends only on each paragraph's own text and structure, and the raw
    layout features (n, dense), some of which depend on the page around it."""
    placement = placement or Placement.of_pages([paragraphs])
    hashed, dense = [], []
    for start, stop in _chunks(paragraphs, model.config.max_chars):
        features = featurize(paragraphs[start:stop], model.config, placement[start:stop])
        hashed.append(hashed_scores(features, model.idf, model.weights[:model.config.n_hashed], model.config))
        dense.append(features.dense)
    if not hashed:
        return np.zeros((0, len(LABELS))), np.zeros((0, len(model.dense_mean)))
    return np.concatenate(hashed), np.concatenate(dense)


def first_stage_proba(hashed: np.ndarray, dense: np.ndarray, model: Model) -> np.ndarray:
    layout = (dense - model.dense_mean) / model.dense_scale
    return softmax(hashed + layout @ model.weights[model.config.n_hashed:] + model.intercept)


def _chunks(paragraphs: Sequence[Paragraph], max_chars: int) -> list[tuple[int, int]]:
    bounds, start, chars = [], 0, 0
    for index, paragraph in enumerate(paragraphs):
        chars += min(len(paragraph.text), max_chars)
        if index + 1 - start >= CHUNK_PARAGRAPHS or chars >= CHUNK_CHARS:
            bounds.append((start, index + 1))
            start, chars = index + 1, 0
    if start < len(paragraphs):
        bounds.append((start, len(paragraphs)))
    return bounds


def own_scores(probabilities: np.ndarray) -> np.ndarray:
    """The context stage's starting point: each paragraph's own first-stage log-probabilities."""
    return np.log(np.clip(probabilities, LOG_FLOOR, 1.0))


def context_features(probabilities: np.ndarray) -> np.ndarray:
    """The context stage's input: the neighbours' first-stage probabilities and presence flags.

    The context stage adds a learned, regularized correction from these to the paragraph's own
    log-probabilities; it cannot override a confident paragraph on its own, only tip uncertain ones.
    Neighbours enter as probabilities, not logs (0.1 % vs 0.001 % must not matter); page-level averages
    were tried and dropped: they let the stage learn which corpus a page came from.
    """
    n, k = probabilities.shape
    columns: list[np.ndarray] = []
    for offset in CONTEXT_OFFSETS:
        shifted = np.zeros_like(probabilities)
        present = np.zeros((n, 1))
        if offset < 0 and n > -offset:
            shifted[-offset:] = probabilities[:offset]
            present[-offset:] = 1.0
        elif offset > 0 and n > offset:
            shifted[:-offset] = probabilities[offset:]
            present[:-offset] = 1.0
        columns.extend((shifted, present))
    return np.hstack(columns).astype(np.float32)


def context_stage(own: np.ndarray, model: Model) -> np.ndarray:
    """Final probabilities of one page's paragraphs from their first-stage probabilities."""
    context = (context_features(own) - model.context_mean) / model.context_scale
    return softmax(own_scores(own) + context @ model.context_weights + model.context_intercept)


def predict_proba_pages(
    pages: Sequence[Sequence[Paragraph]], model: Model, keep: Collection[Label] | None = None
) -> list[np.ndarray]:
    """Final per-label probabilities for several pages at once: one featurization pass over the batch
    (numpy works best on big arrays), then the context stage page by page.

    With ``keep`` (the labels a cleaner keeps), each page's labels are *settled*: see :func:`settle`.
    """
    flat = [paragraph for page in pages for paragraph in page]
    hashed, dense = first_stage_parts(flat, model, Placement.of_pages(pages))
    out, start = [], 0
    for page in pages:
        rows = slice(start, start + len(page))
        start += len(page)
        probabilities = context_stage(first_stage_proba(hashed[rows], dense[rows], model), model)
        if keep is not None:
            probabilities = settle(page, hashed[rows], dense[rows], probabilities, keep, model)
        out.append(probabilities)
    return out


def settle(
    page: Sequence[Paragraph], hashed: np.ndarray, dense: np.ndarray, probabilities: np.ndarray,
    keep: Collection[Label], model: Model,
) -> np.ndarray:
    """Re-classify the kept paragraphs as the page they form until none of them leaves ``keep``.

    Cleaning removes neighbours and shifts positions, which the context and layout features see; a
    paragraph kept on the full page could flip on the cleaned one. Settling makes the cleaned text a
    fixed point: cleaning it again keeps all of it. Each round re-scores only page-dependent parts (the
    n-gram scores are reused); see :func:`_not_kept` for the labels of the paragraphs dropped.
    """
    wanted = np.array([label in keep for label in LABELS])
    alive = np.flatnonzero(wanted[probabilities.argmax(axis=1)])
    chars = np.array([len(paragraph.text) for paragraph in page], dtype=np.float64)
    settled = probabilities
    while len(alive):  # each round drops at least one paragraph, or stops
        # the cleaned text reads back as one line per paragraph: no line spans
        layout = relocate(dense[alive], np.zeros(len(alive)), Placement.of_page_lengths(chars[alive]))
        again = context_stage(first_stage_proba(hashed[alive], layout, model), model)
        dropped = ~wanted[again.argmax(axis=1)]
        if not dropped.any():
            break
        if settled is probabilities:
            settled = probabilities.copy()
        settled[alive[dropped]] = _not_kept(probabilities[alive[dropped]], again[dropped], wanted)
        alive = alive[~dropped]
    return settled


def _not_kept(full_page: np.ndarray, cleaned: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Probabilities of paragraphs dropped while settling: their full-page probabilities given that they
    are not kept (the full page, with its boxes and widgets around, tells *which* furniture a paragraph
    is better than the cleaned page does); the cleaned page's where the full page leaves no mass."""
    conditional = np.where(wanted, 0.0, full_page)
    mass = conditional.sum(axis=1, keepdims=True)
    return np.where(mass > 1e-9, conditional / np.maximum(mass, 1e-300), cleaned)


def predict_proba(paragraphs: Sequence[Paragraph], model: Model, keep: Collection[Label] | None = None) -> np.ndarray:
    """Final per-label probabilities (n, labels) in Label order."""
    return predict_proba_pages([paragraphs], model, keep)[0]


def predict_pages(
    pages: Sequence[Sequence[Paragraph]], model: Model, keep: Collection[Label] | None = None
) -> list[list[Paragraph]]:
    """Labelled copies of several pages' paragraphs (see :func:`predict_proba_pages`)."""
    return [[p.labelled(tuple(row)) for p, row in zip(page, scores.tolist())]
            for page, scores in zip(pages, predict_proba_pages(pages, model, keep))]


def predict(paragraphs: Sequence[Paragraph], model: Model, keep: Collection[Label] | None = None) -> list[Paragraph]:
    """Labelled copies of the paragraphs."""
    return predict_pages([paragraphs], model, keep)[0]
