"""Stage 3, classify: label paragraphs — per-paragraph scores, then a second pass that reads the neighbours' scores.

Boilerplate comes in runs (a comment widget, a teaser box), and an advertorial sits between news
paragraphs; so the context stage sees each paragraph's own probabilities together with those of two
neighbours on each side and the page's average.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .featurize import hashed_counts, tfidf
from .model import Model
from .paragraph import Paragraph

CHUNK_PARAGRAPHS = 4096
CHUNK_CHARS = 2_000_000
"""Paragraphs (and characters) featurized at once: bounds memory on huge pages, keeps numpy batches large."""

CONTEXT_OFFSETS = (-2, -1, 1, 2)
"""Neighbours whose first-stage probabilities the context stage reads."""

LOG_FLOOR = 1e-4


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def paragraph_features(paragraphs: Sequence[Paragraph], model: Model, start: int = 0, total: int | None = None) -> tuple:
    """TF-IDF rows and scaled layout features of a run of paragraphs (``start``/``total`` place it in the page)."""
    counts, dense = hashed_counts(paragraphs, model.config, start=start, total=total)
    return tfidf(counts, model.idf, model.config), (dense - model.dense_mean) / model.dense_scale


def first_stage(paragraphs: Sequence[Paragraph], model: Model) -> tuple[np.ndarray, np.ndarray]:
    """Per-paragraph probabilities (n, labels) and scaled layout features, featurized in chunks."""
    n_hashed = model.config.n_hashed
    probabilities, layouts = [], []
    for start, stop in _chunks(paragraphs, model.config.max_chars):
        chunk = paragraphs[start:stop]
        x, layout = paragraph_features(chunk, model, start, len(paragraphs))
        logits = x @ model.weights[:n_hashed] + layout @ model.weights[n_hashed:] + model.intercept
        probabilities.append(softmax(np.asarray(logits, dtype=np.float64)))
        layouts.append(layout)
    return np.concatenate(probabilities), np.concatenate(layouts)


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


def context_features(probabilities: np.ndarray, layout: np.ndarray) -> np.ndarray:
    """The context stage's input: own log-probabilities, neighbours' probabilities, page averages, layout.

    Neighbours enter as probabilities, not logs: whether a neighbour is 0.1 % or 0.001 % ad must not
    outweigh what the paragraph itself says (an advertorial between two news paragraphs is still an ad).
    """
    n, k = probabilities.shape
    columns = [np.log(np.clip(probabilities, LOG_FLOOR, 1.0))]
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
    columns.append(np.repeat(probabilities.mean(axis=0, keepdims=True), n, axis=0))
    columns.append(layout)
    return np.hstack(columns).astype(np.float32)


def predict_proba(paragraphs: Sequence[Paragraph], model: Model) -> np.ndarray:
    """Final per-label probabilities (n, labels) in Label order."""
    if not paragraphs:
        return np.zeros((0, len(model.intercept)))
    probabilities, layout = first_stage(paragraphs, model)
    context = (context_features(probabilities, layout) - model.context_mean) / model.context_scale
    return softmax(context @ model.context_weights + model.context_intercept)


def predict(paragraphs: Sequence[Paragraph], model: Model) -> list[Paragraph]:
    """Labelled copies of the paragraphs."""
    scores = predict_proba(paragraphs, model)
    return [paragraph.labelled(tuple(row)) for paragraph, row in zip(paragraphs, scores.round(6).tolist())]
