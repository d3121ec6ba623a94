"""Stage 3, classify: label paragraphs — per-paragraph scores, then a second pass that reads the neighbours' scores.

Boilerplate comes in runs (a comment widget, a teaser box), and an advertorial sits between news
paragraphs; so the context stage sees each paragraph's own probabilities together with those of two
neighbours on each side and the page's average.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .featurize import Placement, hashed_counts, tfidf
from .labels import LABELS
from .model import Model
from .paragraph import Paragraph

CHUNK_PARAGRAPHS = 4000
CHUNK_CHARS = 2_000_000
"""Paragraphs (and characters) featurized at once: bounds memory on huge pages, keeps numpy batches large
(and below 4,096 rows the feature counting sorts 32-bit keys)."""

CONTEXT_OFFSETS = (-2, -1, 1, 2)
"""Neighbours whose first-stage probabilities the context stage reads."""

CONTEXT_WIDTH = (len(LABELS) + 1) * len(CONTEXT_OFFSETS)
"""Columns of :func:`context_features`: per neighbour its probabilities and a presence flag."""

LOG_FLOOR = 1e-4


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def paragraph_features(paragraphs: Sequence[Paragraph], model: Model, placement: Placement | None = None) -> tuple:
    """TF-IDF rows and scaled layout features of paragraphs placed in their pages."""
    counts, dense = hashed_counts(paragraphs, model.config, placement)
    return tfidf(counts, model.idf, model.config), (dense - model.dense_mean) / model.dense_scale


def first_stage(paragraphs: Sequence[Paragraph], model: Model, placement: Placement | None = None) -> np.ndarray:
    """Per-paragraph probabilities (n, labels), featurized in chunks of bounded size."""
    n_hashed = model.config.n_hashed
    placement = placement or Placement.of_pages([paragraphs])
    probabilities = []
    for start, stop in _chunks(paragraphs, model.config.max_chars):
        x, layout = paragraph_features(paragraphs[start:stop], model, placement[start:stop])
        logits = x @ model.weights[:n_hashed] + layout @ model.weights[n_hashed:] + model.intercept
        probabilities.append(softmax(np.asarray(logits, dtype=np.float64)))
    return np.concatenate(probabilities) if probabilities else np.zeros((0, len(LABELS)))


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


def predict_proba_pages(pages: Sequence[Sequence[Paragraph]], model: Model) -> list[np.ndarray]:
    """Final per-label probabilities for several pages at once: one featurization pass over the batch
    (numpy works best on big arrays), then the context stage page by page."""
    flat = [paragraph for page in pages for paragraph in page]
    probabilities = first_stage(flat, model, Placement.of_pages(pages))
    out, start = [], 0
    for page in pages:
        own = probabilities[start:start + len(page)]
        start += len(page)
        context = (context_features(own) - model.context_mean) / model.context_scale
        out.append(softmax(own_scores(own) + context @ model.context_weights + model.context_intercept))
    return out


def predict_proba(paragraphs: Sequence[Paragraph], model: Model) -> np.ndarray:
    """Final per-label probabilities (n, labels) in Label order."""
    return predict_proba_pages([paragraphs], model)[0]


def predict_pages(pages: Sequence[Sequence[Paragraph]], model: Model) -> list[list[Paragraph]]:
    """Labelled copies of several pages' paragraphs (see :func:`predict_proba_pages`)."""
    return [[p.labelled(tuple(row)) for p, row in zip(page, scores.tolist())]
            for page, scores in zip(pages, predict_proba_pages(pages, model))]


def predict(paragraphs: Sequence[Paragraph], model: Model) -> list[Paragraph]:
    """Labelled copies of the paragraphs."""
    return predict_pages([paragraphs], model)[0]
