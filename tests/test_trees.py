import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from classifier.errors import ModelError
from classifier.trees import Forest, check_export, from_sklearn


def _data(classes: int, n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 5))
    y = np.digitize(x[:, 0] + 0.5 * x[:, 1] * (x[:, 2] > 0), np.linspace(-1, 1, classes - 1))
    return x, y


@pytest.mark.parametrize("classes,depth", [(2, 2), (4, 3), (6, 3)])
def test_exported_trees_score_like_scikit_learn(classes, depth):
    x, y = _data(classes)
    booster = HistGradientBoostingClassifier(max_iter=20, max_depth=depth, max_leaf_nodes=2 ** depth,
                                             early_stopping=False, random_state=0).fit(x, y)
    forest = from_sklearn(booster, 6, depth)
    check_export(forest, booster, x)  # raises unless the scores are the same
    assert forest.feature.shape == (20 * 6, 2 ** depth - 1)
    probabilities = booster.predict_proba(x)
    scores = forest.raw_scores(x)
    ours = np.exp(scores - scores.max(axis=1, keepdims=True))
    ours /= ours.sum(axis=1, keepdims=True)
    assert np.allclose(ours[:, :classes], probabilities, atol=1e-6) and ours[:, classes:].sum() < 1e-9


def test_labels_missing_from_the_data_are_never_predicted():
    x, y = _data(3)
    booster = HistGradientBoostingClassifier(max_iter=5, max_depth=2, max_leaf_nodes=4, early_stopping=False).fit(x, y * 2)
    scores = from_sklearn(booster, 6, 2).raw_scores(x)
    assert set(scores.argmax(axis=1).tolist()) <= {0, 2, 4}


def test_a_shallow_leaf_is_padded_to_full_depth():
    # one tree of depth 2 whose right child is a leaf: rows going right all get that leaf's value
    forest = Forest(np.array([[0, 1, 0]], dtype=np.int32), np.array([[0.0, 5.0, np.inf]]),
                    np.array([[1.0, 2.0, 3.0, 3.0]]), np.zeros(1))
    x = np.array([[-1.0, 0.0], [-1.0, 9.0], [1.0, 0.0], [1.0, 9.0]])
    assert forest.raw_scores(x).ravel().tolist() == [1.0, 2.0, 3.0, 3.0]


def test_inconsistent_arrays_are_refused():
    with pytest.raises(ModelError, match="inconsistent tree arrays"):
        Forest(np.zeros((2, 3), dtype=np.int32), np.zeros((2, 3)), np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ModelError, match="inconsistent tree arrays"):  # feature indices must be integers
        Forest(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 4)), np.zeros(2))
    with pytest.raises(ModelError, match="inconsistent tree arrays"):  # trees without a single node
        Forest(np.zeros((2, 0), dtype=np.int32), np.zeros((2, 0)), np.zeros((2, 1)), np.zeros(2))


def test_an_export_that_scores_differently_is_refused():
    x, y = _data(3)
    booster = HistGradientBoostingClassifier(max_iter=5, max_depth=2, max_leaf_nodes=4, early_stopping=False).fit(x, y)
    forest = from_sklearn(booster, 6, 2)
    shifted = Forest(forest.feature, forest.threshold, forest.leaf + 0.5 * (np.arange(forest.leaf.shape[0]) % 6 == 0)[:, None], forest.base)
    with pytest.raises(ModelError, match="do not reproduce"):
        check_export(shifted, booster, x)
