"""Boosted decision trees as plain arrays: the context stage's learner, evaluated with numpy alone.

Every tree is stored complete to one depth (a leaf above that depth becomes a node that always goes
left, its value copied to the leaves below), so evaluation is a fixed number of vectorized steps and
the model file stays numpy arrays: nothing to unpickle, nothing tied to a scikit-learn version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import ModelError

ALWAYS_LEFT = np.inf
"""Threshold of a padding node: no value is greater, so every row goes left."""


@dataclass(frozen=True, slots=True)
class Forest:
    """Trees of one depth: tree ``t`` adds to class ``t % n_classes``; a row goes right when
    ``x[feature] > threshold`` (heap order: node ``i`` has children ``2i+1`` and ``2i+2``)."""

    feature: np.ndarray  # (trees, 2**depth - 1) int
    threshold: np.ndarray  # (trees, 2**depth - 1) float
    leaf: np.ndarray  # (trees, 2**depth) float
    base: np.ndarray  # (n_classes,) float
    _walk: tuple[np.ndarray, ...] = field(init=False, repr=False, compare=False)
    """The arrays :meth:`raw_scores` walks, flattened once: pages are scored several times each."""

    def __post_init__(self) -> None:
        trees, internal = self.feature.shape
        depth = int(np.log2(internal + 1))
        if (self.feature.dtype.kind not in "iu" or internal + 1 != 2 ** depth or (trees and not internal)
                or self.threshold.shape != (trees, internal) or self.leaf.shape != (trees, internal + 1)
                or self.base.ndim != 1 or trees % max(1, len(self.base))):
            raise ModelError(f"inconsistent tree arrays: feature {self.feature.shape} {self.feature.dtype}, "
                             f"threshold {self.threshold.shape}, leaf {self.leaf.shape}, base {self.base.shape}")
        # walked class by class (tree t adds to class t % n_classes): the per-class sums of the leaf values are
        # then sums over the last, contiguous axis, several times faster than over the middle one and, unlike a
        # matrix product, the same for a row whatever block it is scored in
        by_class = np.argsort(np.arange(trees) % max(1, len(self.base)), kind="stable")
        # 32-bit indices: np.take with them beats 2-D fancy indexing (rows × context width stays far below 2**31)
        features, thresholds = self.feature[by_class].ravel().astype(np.int32), self.threshold[by_class].ravel()
        offsets = np.arange(trees, dtype=np.int32) * internal
        leaf_offsets = np.arange(trees, dtype=np.int32) * (internal + 1) - internal
        object.__setattr__(self, "_walk", (features, thresholds, offsets, features[offsets], thresholds[offsets],
                                           self.leaf[by_class].ravel(), leaf_offsets))

    @property
    def depth(self) -> int:
        return int(np.log2(self.feature.shape[1] + 1))

    def raw_scores(self, x: np.ndarray) -> np.ndarray:
        """Sum of the trees' leaf values per class, plus the base scores: (rows, n_classes)."""
        trees = self.feature.shape[0]
        n_classes = len(self.base)
        if trees == 0 or not len(x):
            return np.broadcast_to(self.base, (len(x), n_classes)).copy()
        features, thresholds, offsets, root_features, root_thresholds, leaves, leaf_offsets = self._walk
        rows, width = x.shape
        flat = np.ascontiguousarray(x, dtype=np.float64).ravel()
        row_starts = np.arange(0, rows * width, width, dtype=np.int32)[:, None]
        # walk all trees down together: one flat gather per level, in place where numpy allows
        node = (x.take(root_features, axis=1) > root_thresholds).astype(np.int32)
        node += 1
        for _ in range(self.depth - 1):
            at = node + offsets
            node *= 2
            node += 1
            node += flat.take(row_starts + features.take(at)) > thresholds.take(at)
        node += leaf_offsets
        return leaves.take(node).reshape(rows, n_classes, trees // n_classes).sum(axis=2) + self.base


NO_CLASS = -30.0
"""Base score of a class the training data never showed: never predicted."""


def from_sklearn(classifier: object, n_classes: int, depth: int) -> Forest:
    """Copy a fitted ``HistGradientBoostingClassifier`` (numeric features, no missing values, classes are
    label indices) into complete trees of ``depth`` scoring all ``n_classes``. Reads the fitted predictors;
    :func:`check_export` verifies the copy against scikit-learn's own scores."""
    predictors = classifier._predictors  # noqa: SLF001 - scikit-learn keeps the fitted trees here
    classes = [int(c) for c in classifier.classes_]
    # binary: one tree per iteration scores the second class against the first
    slots = classes[1:] if len(classes) == 2 else classes
    internal = 2 ** depth - 1
    trees = len(predictors) * n_classes
    feature = np.zeros((trees, internal), dtype=np.int32)
    threshold = np.full((trees, internal), ALWAYS_LEFT)
    leaf = np.zeros((trees, internal + 1))
    for iteration, per_class in enumerate(predictors):
        if len(per_class) != len(slots):
            raise ModelError(f"expected {len(slots)} trees per iteration, got {len(per_class)}")
        for slot, predictor in zip(slots, per_class):
            _copy_tree(predictor.nodes, iteration * n_classes + slot, depth, feature, threshold, leaf)
    base = np.full(n_classes, NO_CLASS)
    baseline = np.asarray(classifier._baseline_prediction, dtype=np.float64).ravel()  # noqa: SLF001
    if len(classes) == 2:
        base[classes[0]], base[classes[1]] = 0.0, baseline[0]
    else:
        base[classes] = baseline
    return Forest(feature, threshold, leaf, base)


def _copy_tree(nodes: np.ndarray, t: int, depth: int, feature: np.ndarray, threshold: np.ndarray, leaf: np.ndarray) -> None:
    """Write one scikit-learn tree into row ``t`` of the heap-ordered arrays, padding shallow leaves."""
    internal = feature.shape[1]

    def copy(source: int, target: int, level: int) -> None:
        node = nodes[source]
        if level == depth:
            if not node["is_leaf"]:
                raise ModelError(f"tree deeper than {depth}")
            leaf[t, target - internal] = node["value"]
        elif node["is_leaf"]:
            copy(source, 2 * target + 1, level + 1)
            copy(source, 2 * target + 2, level + 1)
        else:
            feature[t, target], threshold[t, target] = node["feature_idx"], node["num_threshold"]
            copy(int(node["left"]), 2 * target + 1, level + 1)
            copy(int(node["right"]), 2 * target + 2, level + 1)

    copy(0, 0, 0)


def check_export(forest: Forest, classifier: object, x: np.ndarray) -> None:
    """Refuse an export that does not reproduce scikit-learn's own scores (a changed internal layout)."""
    expected = classifier.decision_function(x)
    classes = [int(c) for c in classifier.classes_]
    scores = forest.raw_scores(x)
    ours = scores[:, classes[1]] - scores[:, classes[0]] if len(classes) == 2 else scores[:, classes]
    if not np.allclose(ours, expected, rtol=1e-6, atol=1e-6):
        raise ModelError("exported trees do not reproduce the trained model's scores")
