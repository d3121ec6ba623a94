"""Stage 3, classify: label paragraphs — per-paragraph scores, then a second pass that reads the neighbours' scores.

Boilerplate comes in runs (a comment widget, a teaser box), and an advertorial sits between news
paragraphs; so the context stage sees each paragraph's own probabilities together with those of two
neighbours on each side and the page's average.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .featurize import hashed_counts, page_median_chars, tfidf
from .labels import LABELS
from .model import Model
from .paragraph import Paragraph

CHUNK_PARAGRAPHS = 4096
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


def paragraph_features(paragraphs: Sequence[Paragraph], model: Model, start: int = 0, total: int | None = None,
                       median_chars: float | None = None) -> tuple:
    """TF-IDF rows and scaled layout features of a run of paragraphs placed in its page."""
    counts, dense = hashed_counts(paragraphs, model.config, start=start, total=total, median_chars=median_chars)
    return tfidf(counts, model.idf, model.config), (dense - model.dense_mean) / model.dense_scale


def first_stage(paragraphs: Sequence[Paragraph], model: Model) -> np.ndarray:
    """Per-paragraph probabilities (n, labels), featurized in chunks."""
    n_hashed = model.config.n_hashed
    median = page_median_chars(paragraphs)
    probabilities = []
    for start, stop in _chunks(paragraphs, model.config.max_chars):
        chunk = paragraphs[start:stop]
        x, layout = paragraph_features(chunk, model, start, len(paragraphs), median)
        logits = x @ model.weights[:n_hashed] + layout @ model.weights[n_hashed:] + model.intercept
        probabilities.append(softmax(np.asarray(logits, dtype=np.float64)))
    return np.concatenate(probabilities)


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


def predict_proba(paragraphs: Sequence[Paragraph], model: Model) -> np.ndarray:
    """Final per-label probabilities (n, labels) in Label order."""
    if not paragraphs:
        return np.zeros((0, len(model.intercept)))
    probabilities = first_stage(paragraphs, model)
    context = (context_features(probabilities) - model.context_mean) / model.context_scale
    return softmax(own_scores(probabilities) + context @ model.context_weights + model.context_intercept)


def predict(paragraphs: Sequence[Paragraph], model: Model) -> list[Paragraph]:
    """Labelled copies of the paragraphs."""
    scores = predict_proba(paragraphs, model)
    return [paragraph.labelled(tuple(row)) for paragraph, row in zip(paragraphs, scores.round(6).tolist())]
