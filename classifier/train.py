"""Fit the two-stage model from labelled documents (used by ``clean-article-train`` and ``training/``).

Stage 1 is a multinomial logistic regression over TF-IDF n-grams, structure tokens and layout features.
Stage 2 (context) is a small logistic regression over each paragraph's and its neighbours' stage-1
probabilities; it is trained on *out-of-fold* stage-1 probabilities (folds grouped by site), so it learns
how much to trust stage 1 on unseen pages rather than on pages stage 1 has memorized.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .predict import CONTEXT_OFFSETS, context_features, own_scores, softmax
from .featurize import FeatureConfig, hashed_counts, tfidf
from .labels import LABELS, Label
from .model import Model
from .paragraph import Paragraph

Progress = Callable[[str], None]


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True, slots=True)
class TrainDoc:
    """A labelled document; ``group`` (its site) keeps related pages in one fold."""

    doc_id: str
    group: str
    paragraphs: tuple[Paragraph, ...]
    labels: tuple[Label, ...]
    weight: float = 1.0
    context: bool = True
    """False for collections of isolated lines (not a real page layout): they teach stage 1 only."""
    row_weights: tuple[float, ...] = ()
    """Per-paragraph weights (default 1); 0 keeps a paragraph as context for its neighbours but unlearned."""


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Tunables of training; stored in the model metadata."""

    C: float = 8.0
    max_iter: int = 100
    context_C: float = 0.3
    folds: int = 2
    label_weight_power: float = 0.35
    """Rare labels get weight (n_most_common / n_label) ** power: balance without drowning precision."""
    stage1_rows: int = 130_000
    """At most this many paragraphs (a seeded sample, common labels thinned first) train stage 1."""
    stage2_rows: int = 500_000
    """Paragraphs (in whole pages, seeded sample) that train the small context stage."""
    features: FeatureConfig = field(default_factory=FeatureConfig)

    def to_json(self) -> dict:
        return {"C": self.C, "max_iter": self.max_iter, "context_C": self.context_C, "folds": self.folds,
                "label_weight_power": self.label_weight_power, "stage1_rows": self.stage1_rows,
                "stage2_rows": self.stage2_rows}


def _doc_bounds(docs: Sequence[TrainDoc]) -> np.ndarray:
    return np.concatenate(([0], np.cumsum([len(doc.labels) for doc in docs])))


def label_weights(y: np.ndarray, power: float) -> np.ndarray:
    counts = np.bincount(y, minlength=len(LABELS)).astype(np.float64)
    present = counts > 0
    per_label = np.ones(len(LABELS))
    per_label[present] = (counts[present].max() / counts[present]) ** power
    return per_label[y]


def _logistic(x: sp.spmatrix | np.ndarray, y: np.ndarray, weight: np.ndarray, C: float, max_iter: int,
              init: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression; returns (weights (features, labels), intercept) in Label order.

    ``init`` (e.g. the average of the fold models) warm-starts the solver, which then needs far fewer
    iterations. Convergence warnings are expected at the iteration cap and silenced.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    classes = np.unique(y)
    model = LogisticRegression(C=C, max_iter=max_iter, tol=1e-4, solver="lbfgs", warm_start=init is not None)
    if init is not None and len(classes) > 2:
        model.coef_ = np.ascontiguousarray(init[0][:, classes].T)
        model.intercept_ = init[1][classes].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x, y, sample_weight=weight)
    coef = np.zeros((x.shape[1], len(LABELS)), dtype=np.float64)
    intercept = np.full(len(LABELS), -30.0)  # labels absent from the data are never predicted
    for column, label in enumerate(model.classes_):
        if len(model.classes_) == 2:  # binary: scikit-learn keeps one row; expand to two columns
            sign = 1.0 if column == 1 else -1.0
            coef[:, label] = sign * model.coef_[0] / 2
            intercept[label] = sign * model.intercept_[0] / 2
        else:
            coef[:, label] = model.coef_[column]
            intercept[label] = model.intercept_[column]
    return coef, intercept


def stage1_sample(y: np.ndarray, limit: int, seed: int = 0) -> np.ndarray:
    """Boolean mask of the rows that train stage 1: every row of the rare labels, the common ones thinned
    to a shared cap so the sample has at most ``limit`` rows (deterministic for a given seed)."""
    counts = np.bincount(y, minlength=len(LABELS))
    if counts.sum() <= limit:
        return np.ones(len(y), dtype=bool)
    cap = _label_cap(counts, limit)
    keep_share = np.minimum(1.0, cap / np.maximum(counts, 1))
    return np.random.default_rng(seed).random(len(y)) < keep_share[y]


def _label_cap(counts: np.ndarray, limit: int) -> float:
    """The per-label cap c with sum(min(count, c)) == limit (water-filling)."""
    low, high = 0.0, float(counts.max())
    for _ in range(60):
        mid = (low + high) / 2
        if np.minimum(counts, mid).sum() > limit:
            high = mid
        else:
            low = mid
    return low


def offset_logistic(x: np.ndarray, offset: np.ndarray, y: np.ndarray, weight: np.ndarray, C: float,
                    max_iter: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression with a fixed per-row offset: logits = offset + x @ W + b.

    Both W and b are L2-penalized (strength 1/C relative to the summed sample weights), so the model is
    a small correction to the offset that vanishes without evidence. Returns (W, b).
    """
    from scipy.optimize import minimize

    n, d = x.shape
    k = offset.shape[1]
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0
    total = weight.sum()
    x64, w64 = x.astype(np.float64), weight.astype(np.float64)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        W, b = theta[: d * k].reshape(d, k), theta[d * k:]
        logits = offset + x64 @ W + b
        logits -= logits.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(logits).sum(axis=1))
        nll = -(w64 * ((logits * onehot).sum(axis=1) - log_norm)).sum()
        residual = (np.exp(logits - log_norm[:, None]) - onehot) * w64[:, None]
        penalty = 0.5 / C * total / n * (theta @ theta)
        grad = np.concatenate(((x64.T @ residual).ravel(), residual.sum(axis=0))) + theta / C * total / n
        return (nll + penalty) / total, grad / total

    result = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
    return result.x[: d * k].reshape(d, k), result.x[d * k:]


def _group_folds(groups: np.ndarray, folds: int) -> np.ndarray:
    """Fold number per row, whole groups per fold, deterministic (by a stable hash of the group name)."""
    import zlib

    unique = {g: zlib.crc32(str(g).encode()) % folds for g in set(groups.tolist())}
    return np.array([unique[g] for g in groups.tolist()])


def fit(docs: Sequence[TrainDoc], config: TrainConfig | None = None, progress: Progress = stderr_progress,
        metadata: dict | None = None) -> Model:
    """Train both stages on the documents and return a ready Model.

    Two streaming passes keep memory bounded: the first keeps the sparse features of the stage-1 sample
    only (and counts document frequencies over everything); the second recomputes features chunk by
    chunk to score every paragraph out-of-fold for the context stage.
    """
    config = config or TrainConfig()
    features = config.features
    started = time.perf_counter()

    def report(stage: str) -> None:
        progress(f"[{time.perf_counter() - started:6.1f}s] {stage}")

    if not docs:
        raise ValueError("no training documents")
    bounds = _doc_bounds(docs)
    y = np.concatenate([[LABELS.index(label) for label in doc.labels] for doc in docs]).astype(np.int64)
    doc_weight = np.concatenate([np.full(len(doc.labels), doc.weight) * (np.asarray(doc.row_weights) if doc.row_weights else 1.0)
                                 for doc in docs])
    groups = np.concatenate([np.full(len(doc.labels), doc.group, dtype=object) for doc in docs])
    sample = stage1_sample(y, config.stage1_rows) & (doc_weight > 0)
    report(f"featurizing {len(docs)} documents, {len(y)} paragraphs ({int(sample.sum())} for stage 1)")

    df = np.zeros(features.n_hashed, dtype=np.int64)
    sampled_counts, dense_parts = [], []
    for index, doc in enumerate(docs):
        counts, dense = hashed_counts(doc.paragraphs, features)
        df += np.bincount(counts.indices, minlength=features.n_hashed)
        keep = sample[bounds[index]:bounds[index + 1]]
        if keep.any():
            sampled_counts.append(counts[keep])
        dense_parts.append(dense)
    dense_all = np.vstack(dense_parts)
    idf = (np.log((1.0 + len(y)) / (1.0 + df)) + 1.0).astype(np.float32)
    mean, scale = dense_all.mean(axis=0), dense_all.std(axis=0)
    scale[scale < 1e-6] = 1.0
    layout = (dense_all - mean) / scale
    x1 = sp.hstack([tfidf(sp.vstack(sampled_counts, format="csr"), idf, features),
                    sp.csr_matrix(layout[sample].astype(np.float32))], format="csr")
    del sampled_counts
    y1 = y[sample]
    w1 = doc_weight[sample] * label_weights(y1, config.label_weight_power)
    report(f"stage 1 matrix {x1.shape[0]} x {x1.shape[1]}, {x1.nnz} non-zeros")

    fold = _group_folds(groups, config.folds) if config.folds > 1 else np.zeros(len(y), dtype=int)
    multi_fold = config.folds > 1 and len(set(fold.tolist())) > 1
    fold_models = []
    if multi_fold:
        for k in range(config.folds):
            train = fold[sample] != k
            report(f"stage 1, fold {k + 1}/{config.folds} ({int(train.sum())} paragraphs)")
            fold_models.append(_logistic(x1[train], y1[train], w1[train], config.C, config.max_iter * 7 // 10))
    report(f"stage 1, all data ({len(y1)} paragraphs)")
    init = None
    if multi_fold:
        init = (np.mean([c for c, _ in fold_models], axis=0), np.mean([b for _, b in fold_models], axis=0))
    coef, intercept = _logistic(x1, y1, w1, config.C, config.max_iter // 2 if init is not None else config.max_iter, init)
    del x1
    if not multi_fold:
        fold_models = [(coef, intercept)]

    report("stage 1 out-of-fold scores")
    n_hashed = features.n_hashed
    oof = np.zeros((len(y), len(LABELS)))
    for index, doc in enumerate(docs):
        lo, hi = bounds[index], bounds[index + 1]
        counts, _ = hashed_counts(doc.paragraphs, features)
        f_coef, f_intercept = fold_models[fold[lo]] if multi_fold else fold_models[0]
        logits = np.asarray(tfidf(counts, idf, features) @ f_coef[:n_hashed]) + layout[lo:hi] @ f_coef[n_hashed:] + f_intercept
        oof[lo:hi] = softmax(logits)

    report("stage 2 (context)")
    pages = [(lo, hi) for doc, lo, hi in zip(docs, bounds[:-1], bounds[1:]) if doc.context]
    if config.stage2_rows and sum(hi - lo for lo, hi in pages) > config.stage2_rows:
        share = config.stage2_rows / sum(hi - lo for lo, hi in pages)
        rng = np.random.default_rng(1)
        pages = [page for page in pages if rng.random() < share]  # whole pages: neighbours stay intact
    context = np.vstack([context_features(oof[lo:hi]) for lo, hi in pages])
    rows = np.concatenate([np.arange(lo, hi) for lo, hi in pages])
    c_mean, c_scale = context.mean(axis=0), context.std(axis=0)
    c_scale[c_scale < 1e-6] = 1.0
    context -= c_mean
    context /= c_scale
    weight = doc_weight[rows] * label_weights(y[rows], config.label_weight_power)
    c_coef, c_intercept = offset_logistic(context, own_scores(oof[rows]), y[rows], weight, config.context_C)
    report("done")

    meta = dict(metadata or {})
    meta["training"] = {**meta.get("training", {}), "config": config.to_json(), "documents": len(docs), "paragraphs": int(len(y)),
                        "label_counts": {label.value: int((y == i).sum()) for i, label in enumerate(LABELS)},
                        "seconds": round(time.perf_counter() - started, 1), "context_offsets": list(CONTEXT_OFFSETS)}
    return Model(
        config=features,
        idf=idf,
        dense_mean=mean.astype(np.float64),
        dense_scale=scale.astype(np.float64),
        weights=coef.astype(np.float32),
        intercept=intercept.astype(np.float64),
        context_mean=c_mean,
        context_scale=c_scale,
        context_weights=c_coef.astype(np.float64),
        context_intercept=c_intercept.astype(np.float64),
        metadata=meta,
    )
