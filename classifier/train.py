"""Fit the two-stage model from labelled documents (used by ``clean-article-train`` and ``training/``).

Stage 1 is a multinomial logistic regression over TF-IDF n-grams, structure tokens and layout features.
Stage 2 (context) is a small set of boosted trees over each paragraph's and its neighbours' stage-1
probabilities and its place on the page; it is trained on *out-of-fold* stage-1 probabilities (folds
grouped by site), so it learns how much to trust stage 1 on unseen pages rather than on pages stage 1 has
memorized.
"""

from __future__ import annotations

import sys
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .predict import CONTEXT_WIDTH, context_features, pooled, softmax
from .featurize import PLACED_COLUMNS, FeatureConfig, hashed_counts, tfidf
from .labels import LABELS, Label
from .model import Model
from .trees import NO_CLASS, Forest, check_export, from_sklearn
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
    context_row_weights: tuple[float, ...] | None = None
    """The context stage's per-paragraph weights, where they differ from stage 1's (default: ``row_weights``)."""
    curated: bool = False
    """Written or labelled by hand: sampled for stage 1 at the corpus rates without moving them."""


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Tunables of training; stored in the model metadata."""

    C: float = 4.0
    max_iter: int = 300
    """Stage 1's inverse regularization and L-BFGS iterations. Until 0.12.0 (C 8, 100 iterations) the solver stopped
    far from convergence and the cap acted as a regularizer; solved to convergence, a stronger penalty (C 4) scored
    best on real German pages (README, "What 0.12.0 changed"). Fold models get 70 % of the iterations, warm-started
    sample fits half."""
    context_trees: int = 60
    """Boosting rounds of the context stage (one small tree per label each): few, so a page scores fast. 40 at rate
    0.3 until 0.13.0; 60 at 0.2 scored the better text-level F1 with the heavier coarse rows (README, "The context
    stage alone")."""
    context_depth: int = 4
    context_learning_rate: float = 0.2
    folds: int = 2
    label_weight_power: float = 0.35
    """Rare labels get weight (n_most_common / n_label) ** power: balance without drowning precision."""
    stage1_rows: int = 260_000
    """At most this many corpus paragraphs (a seeded sample, common labels thinned first), plus the curated
    ones at the same per-label rates, train stage 1 (see :func:`stage1_sample`). Twice 0.6's 130 k: in
    two paired retrains the larger sample scored held-out macro-F1 +0.007 and +0.020."""
    stage1_samples: int = 3
    """Stage 1 is fitted on this many seeded samples and their weights averaged (one linear model, so no cost
    at prediction): one sample's luck moved held-out text-level F1 by 0.02 between two seeds, more than most
    changes worth measuring. Three samples of 260 k: about 9 min alone and 7.1 GB peak on the full corpus."""
    stage2_rows: int = 500_000
    """Paragraphs (in whole pages, seeded sample) that train the small context stage."""
    features: FeatureConfig = field(default_factory=FeatureConfig)

    def to_json(self) -> dict:
        return {"C": self.C, "max_iter": self.max_iter, "context_trees": self.context_trees,
                "context_depth": self.context_depth, "context_learning_rate": self.context_learning_rate, "folds": self.folds,
                "label_weight_power": self.label_weight_power, "stage1_rows": self.stage1_rows,
                "stage1_samples": self.stage1_samples,
                "stage2_rows": self.stage2_rows}


def training_libraries() -> dict[str, str]:
    """The versions a model was trained with: the same corpus and config give the same arrays only with the
    same numerical libraries (0.11's model, retrained under newer scikit-learn and SciPy, differed by up to 0.12
    in a weight) and the same BLAS kernels (0.12.0's, retrained with the same versions on a CPU for which OpenBLAS
    picked other kernels, by up to 0.82), so the metadata records both."""
    import platform

    import scipy
    import sklearn
    from threadpoolctl import threadpool_info  # installed with scikit-learn

    blas = sorted({f"{lib.get('internal_api')} {lib.get('version')} {lib.get('architecture')}"
                   for lib in threadpool_info() if lib.get("user_api") == "blas"})
    return {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__, "blas": "; ".join(blas), "machine": platform.machine()}


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


def stage1_sample(y: np.ndarray, limit: int, eligible: np.ndarray, curated: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Boolean mask of the eligible rows that train stage 1: every row of the rare labels, the common ones
    thinned to a shared cap, set so that the corpus (not curated) rows of the sample number at most ``limit``.
    A row is in when its ``uniforms`` draw (see :func:`row_uniforms`) is below its label's keep share. Curated
    rows are sampled at their label's rate but do not move the cap: adding hand-written data never thins the
    corpus rows stage 1 learns from (German team comments must not cost English comments)."""
    counts = np.bincount(y[eligible & ~curated], minlength=len(LABELS))
    cap = _label_cap(counts, limit) if counts.sum() > limit else np.inf
    keep_share = np.minimum(1.0, cap / np.maximum(counts, 1))
    return eligible & (uniforms < keep_share[y])


def row_uniforms(docs: Sequence[TrainDoc], seed: int) -> np.ndarray:
    """One uniform draw per paragraph, from a generator seeded by the document's id: which of a document's
    rows a sample holds does not depend on the other documents, so the models with and without the team's
    data (or before and after a corpus fix) learn from the same rows of every unchanged document."""
    return np.concatenate([np.random.default_rng([seed, zlib.crc32(doc.doc_id.encode())]).random(len(doc.labels))
                           for doc in docs]) if docs else np.zeros(0)


def _doc_uniform(doc_id: str, salt: str) -> float:
    """A uniform draw in [0, 1) fixed by the document's id (stable under changes to other documents)."""
    return zlib.crc32(f"{salt}:{doc_id}".encode()) / 2**32


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


CONTEXT_CHECK_ROWS = 2000
"""Rows on which the exported trees must reproduce scikit-learn's scores."""


def context_trees(x: np.ndarray, y: np.ndarray, weight: np.ndarray, config: TrainConfig) -> Forest:
    """Fit the context stage (gradient-boosted trees, deterministic) and export it as arrays."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    present = np.unique(y)
    if len(present) < 2:  # one label only: nothing to separate; it is always predicted
        base = np.full(len(LABELS), NO_CLASS)
        base[present] = 0.0
        empty = np.zeros((0, 2 ** config.context_depth - 1))
        return Forest(empty.astype(np.int32), empty, np.zeros((0, 2 ** config.context_depth)), base)
    booster = HistGradientBoostingClassifier(
        max_iter=config.context_trees, learning_rate=config.context_learning_rate, max_depth=config.context_depth,
        max_leaf_nodes=2 ** config.context_depth, l2_regularization=1.0, early_stopping=False, random_state=0,
        min_samples_leaf=int(np.clip(len(y) // 1000, 1, 20)),  # small custom data sets still get real trees
    ).fit(x, y, sample_weight=weight)
    forest = from_sklearn(booster, len(LABELS), config.context_depth)
    check_export(forest, booster, x[:CONTEXT_CHECK_ROWS])
    return forest


OWN_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
"""Candidate weights of the first-stage evidence pooled with the context trees (see predict.context_stage)."""

FALLBACK_OWN_WEIGHT = 0.3
"""Used when the data is too small to hold pages out for the choice (the cross-validated choice on the full corpus is 0.1)."""

OWN_WEIGHT_FOLDS = 5
"""Folds of site groups for choosing the own-evidence weight: each is scored by trees fitted on the others."""


def _validation_fold(group: str) -> int:
    """Salted hash: the corpus split already hashes sites, so an unsalted one would put no training site in fold 0."""
    return zlib.crc32(f"own-weight:{group}".encode()) % OWN_WEIGHT_FOLDS


def choose_own_weight(context: np.ndarray, y: np.ndarray, weight: np.ndarray, learned: np.ndarray, fold: np.ndarray,
                      config: TrainConfig) -> float:
    """The pooling weight with the best weighted macro-F1 over all sites' pages, each fold of sites scored by
    trees fitted on the other folds (:data:`FALLBACK_OWN_WEIGHT` when there is too little data to tell).
    Every fold takes part: a choice made on one fold of sites swung between 0.0 and 0.5 from retrain to retrain."""
    gold, predicted, weights = [], {candidate: [] for candidate in OWN_WEIGHTS}, []
    for k in range(OWN_WEIGHT_FOLDS):
        train, valid = learned & (fold != k), learned & (fold == k)
        if train.sum() < 100 or valid.sum() < 100 or len(np.unique(y[train])) < 2:
            continue
        forest = context_trees(context[train], y[train], weight[train], config)
        held_out = context[valid]
        trees = forest.raw_scores(held_out)
        own_log = held_out[:, :len(LABELS)]  # the context features open with the own log-probabilities
        for candidate in OWN_WEIGHTS:
            predicted[candidate].append(pooled(trees, own_log, candidate).argmax(axis=1))
        gold.append(y[valid])
        weights.append(weight[valid])
    if not gold:
        return FALLBACK_OWN_WEIGHT
    scores = [_weighted_macro_f1(np.concatenate(gold), np.concatenate(predicted[candidate]), np.concatenate(weights))
              for candidate in OWN_WEIGHTS]
    return OWN_WEIGHTS[int(np.argmax(scores))]


def _weighted_macro_f1(gold: np.ndarray, predicted: np.ndarray, weight: np.ndarray) -> float:
    f1 = []
    for label in np.unique(gold):
        tp = weight[(gold == label) & (predicted == label)].sum()
        fp = weight[(gold != label) & (predicted == label)].sum()
        fn = weight[(gold == label) & (predicted != label)].sum()
        f1.append(2 * tp / max(1e-12, 2 * tp + fp + fn))
    return float(np.mean(f1))


def _group_folds(groups: np.ndarray, folds: int) -> np.ndarray:
    """Fold number per row, whole groups per fold, deterministic (by a stable hash of the group name)."""
    unique = {g: zlib.crc32(str(g).encode()) % folds for g in set(groups.tolist())}
    return np.array([unique[g] for g in groups.tolist()])


def standardized_layout(dense: np.ndarray, on_page: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, scale and standardized layout features. The features that depend on the page around a
    paragraph are set to their page mean (0) on rows of line collections: how the team grouped its lines
    says nothing about where such a paragraph sits on a page (groups of about nine comments would teach that
    comments come in short documents, and long English threads would read as news)."""
    reference = dense[on_page] if on_page.any() else dense
    mean, scale = dense.mean(axis=0), dense.std(axis=0)
    placed = list(PLACED_COLUMNS)
    mean[placed], scale[placed] = reference[:, placed].mean(axis=0), reference[:, placed].std(axis=0)
    scale[scale < 1e-6] = 1.0
    layout = (dense - mean) / scale
    layout[np.ix_(~on_page, placed)] = 0.0
    return mean, scale, layout


def _row_weights(docs: Sequence[TrainDoc], context: bool) -> np.ndarray:
    """Every paragraph's training weight: its document's times its own, for stage 1 or the context stage."""
    def own(doc: TrainDoc) -> tuple[float, ...]:
        return doc.context_row_weights if context and doc.context_row_weights is not None else doc.row_weights
    return np.concatenate([np.full(len(doc.labels), doc.weight) * (np.asarray(own(doc)) if own(doc) else 1.0) for doc in docs])


@dataclass(frozen=True, slots=True)
class ContextSet:
    """What the context stage learns from: whole pages' out-of-fold stage-1 probabilities, stored apart from the
    trees so that the stage can be refitted alone (``training.refit_context``) in minutes instead of a retrain.
    Probabilities stay float64: rounded to float32, the histogram bins move and the trees differ."""

    probabilities: np.ndarray
    """(paragraphs, labels): each paragraph's stage-1 probabilities, from the fold model that never saw its site."""
    chars: np.ndarray
    bounds: np.ndarray
    """Page boundaries: page i is rows ``bounds[i]:bounds[i + 1]``."""
    labels: np.ndarray
    """Label index per paragraph (:data:`LABELS` order)."""
    weight: np.ndarray
    """Training weight per paragraph (document times paragraph, before label balancing); 0 = context only."""
    fold: np.ndarray
    """The own-evidence weight's validation fold per paragraph (site groups, :func:`_validation_fold`)."""

    def features(self) -> np.ndarray:
        """The context features of every page, stacked (:func:`classifier.predict.context_features`)."""
        if len(self.bounds) < 2:
            return np.zeros((0, CONTEXT_WIDTH))
        return np.vstack([context_features(self.probabilities[lo:hi], self.chars[lo:hi])
                          for lo, hi in zip(self.bounds[:-1], self.bounds[1:])])


def fit_context(data: ContextSet, config: TrainConfig, own_weight: float | None = None,
                progress: Progress = stderr_progress) -> tuple[Forest, float]:
    """The context trees and the own-evidence weight pooled with them (cross-validated unless ``own_weight`` is given)."""
    context = data.features()
    weight = data.weight * label_weights(data.labels, config.label_weight_power)
    learned = weight > 0
    if own_weight is None:
        own_weight = choose_own_weight(context, data.labels, weight, learned, data.fold, config)
    progress(f"stage 2 trees (own-evidence weight {own_weight})")
    return context_trees(context[learned], data.labels[learned], weight[learned], config), own_weight


def fit(docs: Sequence[TrainDoc], config: TrainConfig | None = None, progress: Progress = stderr_progress,
        metadata: dict | None = None, on_context: Callable[[ContextSet, Sequence[int]], None] | None = None) -> Model:
    """Train both stages on the documents and return a ready Model.

    Two streaming passes keep memory bounded: the first keeps the sparse features of the stage-1 sample
    only (and counts document frequencies over everything); the second recomputes features chunk by
    chunk to score every paragraph out-of-fold for the context stage. ``on_context`` receives the
    context stage's training data and the indices of the documents it holds (``train_default --dump-context``).
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
    doc_weight = _row_weights(docs, context=False)
    groups = np.concatenate([np.full(len(doc.labels), doc.group, dtype=object) for doc in docs])
    curated = np.concatenate([np.full(len(doc.labels), doc.curated) for doc in docs])
    samples: list[np.ndarray] = []
    for seed in range(max(1, config.stage1_samples)):
        mask = stage1_sample(y, config.stage1_rows, doc_weight > 0, curated, row_uniforms(docs, seed))
        if not any(np.array_equal(mask, other) for other in samples):  # small data is not thinned: one fit
            samples.append(mask)
    sample = np.logical_or.reduce(samples)
    report(f"featurizing {len(docs)} documents, {len(y)} paragraphs ({len(samples)} stage-1 samples of "
           f"{int(samples[0].sum())}, {int(sample.sum())} distinct)")

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
    mean, scale, layout = standardized_layout(dense_all, np.concatenate([np.full(len(doc.labels), doc.context) for doc in docs]))
    x1 = sp.hstack([tfidf(sp.vstack(sampled_counts, format="csr"), idf, features),
                    sp.csr_matrix(layout[sample].astype(np.float32))], format="csr")
    del sampled_counts
    report(f"stage 1 matrix {x1.shape[0]} x {x1.shape[1]}, {x1.nnz} non-zeros")

    def sample_rows(seed: int) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
        rows = samples[seed][sample]
        y1 = y[sample][rows]
        return x1[rows], y1, doc_weight[sample][rows] * label_weights(y1, config.label_weight_power)

    fold = _group_folds(groups, config.folds) if config.folds > 1 else np.zeros(len(y), dtype=int)
    multi_fold = config.folds > 1 and len(set(fold.tolist())) > 1
    fold_models = []
    x_s, y_s, w_s = sample_rows(0)
    if multi_fold:  # the out-of-fold scores come from the first sample's folds (bagging them too costs 2x)
        fold_of = fold[samples[0]]
        for k in range(config.folds):
            train = fold_of != k
            report(f"stage 1, fold {k + 1}/{config.folds} ({int(train.sum())} paragraphs)")
            fold_models.append(_logistic(x_s[train], y_s[train], w_s[train], config.C, config.max_iter * 7 // 10))
    init = None
    if multi_fold:
        init = (np.mean([c for c, _ in fold_models], axis=0), np.mean([b for _, b in fold_models], axis=0))
    fits = []
    for seed in range(len(samples)):
        if seed:
            x_s, y_s, w_s = sample_rows(seed)
        report(f"stage 1, all data, sample {seed + 1}/{len(samples)} ({len(y_s)} paragraphs)")
        fits.append(_logistic(x_s, y_s, w_s, config.C, config.max_iter // 2 if init is not None else config.max_iter, init))
    coef, intercept = np.mean([c for c, _ in fits], axis=0), np.mean([b for _, b in fits], axis=0)
    del x1, x_s
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
    page_docs = [i for i, doc in enumerate(docs) if doc.context]
    page_rows = sum(len(docs[i].labels) for i in page_docs)
    if config.stage2_rows and page_rows > config.stage2_rows:
        share = config.stage2_rows / page_rows
        page_docs = [i for i in page_docs if _doc_uniform(docs[i].doc_id, "stage2") < share]  # whole pages: neighbours stay intact
    pages = [(bounds[i], bounds[i + 1]) for i in page_docs]
    rows = np.concatenate([np.arange(lo, hi) for lo, hi in pages]) if pages else np.zeros(0, dtype=np.int64)
    chars = np.concatenate([[len(p.text) for p in docs[i].paragraphs] for i in page_docs]) if pages else np.zeros(0)
    data = ContextSet(oof[rows], chars.astype(np.float64), _doc_bounds([docs[i] for i in page_docs]), y[rows],
                      _row_weights(docs, context=True)[rows],
                      np.concatenate([np.full(hi - lo, _validation_fold(docs[i].group)) for i, (lo, hi) in zip(page_docs, pages)]
                                     ) if pages else np.zeros(0, dtype=int))
    del oof
    if on_context is not None:
        on_context(data, page_docs)
    forest, own_weight = fit_context(data, config, progress=report)
    report("done")

    meta = dict(metadata or {})
    meta["training"] = {**meta.get("training", {}), "config": config.to_json(), "documents": len(docs), "paragraphs": int(len(y)),
                        "label_counts": {label.value: int((y == i).sum()) for i, label in enumerate(LABELS)},
                        "seconds": round(time.perf_counter() - started, 1), "libraries": training_libraries()}
    return Model(
        config=features,
        idf=idf,
        dense_mean=mean.astype(np.float64),
        dense_scale=scale.astype(np.float64),
        weights=coef.astype(np.float32),
        intercept=intercept.astype(np.float64),
        context=forest,
        context_own_weight=own_weight,
        metadata=meta,
    )
