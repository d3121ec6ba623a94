"""The model file: numpy arrays plus JSON metadata in one ``.npz``; loading never unpickles.

Prediction uses only numpy/scipy arithmetic on these arrays, so a model trained under one scikit-learn
version predicts identically under any other (scikit-learn is needed only to train).
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from .errors import LabelError, ModelError
from .featurize import DENSE_NAMES, FeatureConfig
from .labels import LABEL_NAMES, check_label_order
from .trees import Forest
from .version import __version__

MODEL_FORMAT = "article-boilerplate-classifier"
FORMAT_VERSION = 2
"""2: the context stage is boosted trees over a wider context (1: a linear correction over two neighbours)."""
DEFAULT_MODEL_PATH = Path(__file__).with_name("models") / "default.npz"
ARRAY_NAMES = ("idf", "dense_mean", "dense_scale", "weights", "intercept")
TREE_ARRAYS = {"context_feature": "feature", "context_threshold": "threshold", "context_leaf": "leaf", "context_base": "base"}
"""File array name → :class:`Forest` field of the context stage."""


@dataclass(frozen=True, slots=True)
class Model:
    """Everything needed to predict: feature configuration, IDF, both stages' weights, and metadata.

    ``weights`` is (n_hashed + n_dense, n_labels) for the per-paragraph stage; ``context`` holds the
    trees of the neighbour-context stage (see :mod:`classifier.predict`).
    """

    config: FeatureConfig
    idf: np.ndarray
    dense_mean: np.ndarray
    dense_scale: np.ndarray
    weights: np.ndarray
    intercept: np.ndarray
    context: Forest
    context_own_weight: float = 0.0
    """Weight of the first-stage log-probabilities pooled with the context trees' (0 = trees alone)."""
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for array in (*(getattr(self, name) for name in ARRAY_NAMES), *(getattr(self.context, f) for f in TREE_ARRAYS.values())):
            array.setflags(write=False)
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))
        self._check_shapes()

    def _check_shapes(self) -> None:
        n_labels = len(LABEL_NAMES)
        n_hashed, n_dense = self.config.n_hashed, len(DENSE_NAMES)
        expected = {
            "idf": (n_hashed,), "dense_mean": (n_dense,), "dense_scale": (n_dense,),
            "weights": (n_hashed + n_dense, n_labels), "intercept": (n_labels,),
        }
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ModelError(f"array {name!r} has shape {getattr(self, name).shape}, expected {shape}")
        from .predict import CONTEXT_WIDTH  # the classify stage defines what the context stage reads

        if not 0.0 <= self.context_own_weight <= 1.0:
            raise ModelError(f"context_own_weight {self.context_own_weight} is outside [0, 1]")
        if self.context.base.shape != (n_labels,):
            raise ModelError(f"context stage scores {self.context.base.shape} classes, expected {n_labels}")
        if self.context.feature.size and not 0 <= self.context.feature.min() <= self.context.feature.max() < CONTEXT_WIDTH:
            raise ModelError("context stage reads columns this package does not compute; retrain the model")


def save_model(model: Model, path: str | os.PathLike[str]) -> None:
    """Write the model atomically (temporary file + rename), so a crash never leaves half a model."""
    from .predict import CONTEXT_WIDTH

    path = Path(path)
    meta = {
        "format": MODEL_FORMAT,
        "format_version": FORMAT_VERSION,
        "labels": list(LABEL_NAMES),
        "dense_features": list(DENSE_NAMES),
        "feature_config": model.config.to_json(),
        "package_version": __version__,
        "context_width": CONTEXT_WIDTH,
        "context_own_weight": model.context_own_weight,
        **{key: value for key, value in model.metadata.items()
           if key not in {"format", "format_version", "labels", "package_version", "dense_features", "feature_config", "context_width", "context_own_weight"}},
    }
    arrays = {name: np.ascontiguousarray(getattr(model, name)) for name in ARRAY_NAMES}
    arrays.update({name: np.ascontiguousarray(getattr(model.context, field)) for name, field in TREE_ARRAYS.items()})
    arrays["metadata"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez_compressed(handle, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_model(path: str | os.PathLike[str]) -> Model:
    """Read and validate a model file; every problem becomes a ModelError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = _metadata(path, data)
            arrays = {name: np.array(data[name]) for name in (*ARRAY_NAMES, *TREE_ARRAYS)}
    except KeyError as exc:
        raise ModelError(f"{path}: not a model file (missing {exc})") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{path}: corrupt or truncated model file ({exc})") from None
    try:
        check_label_order(meta.get("labels", []))
    except LabelError as exc:
        raise ModelError(f"{path}: {exc}") from None
    if tuple(meta.get("dense_features", ())) != DENSE_NAMES:
        raise ModelError(f"{path}: model was trained with other layout features; retrain the model")
    from .predict import CONTEXT_WIDTH  # the classify stage defines what the context stage reads

    if meta.get("context_width") != CONTEXT_WIDTH:
        raise ModelError(f"{path}: model was trained with another context layout; retrain the model")
    try:
        context = Forest(**{field: arrays.pop(name) for name, field in TREE_ARRAYS.items()})
        return Model(config=FeatureConfig.from_json(meta["feature_config"]), metadata=meta, context=context,
                     context_own_weight=float(meta["context_own_weight"]), **arrays)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{path}: inconsistent model ({exc})") from None
    except ModelError as exc:
        raise ModelError(f"{path}: {exc}") from None


def _metadata(path: Path, data: Mapping[str, np.ndarray]) -> dict:
    """The file's metadata, checked for format and version before any array is read."""
    try:
        meta = json.loads(np.array(data["metadata"]).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: unreadable metadata ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT:
        raise ModelError(f"{path}: not a {MODEL_FORMAT} model")
    version = meta.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelError(f"{path}: model format version {version} is newer than this package supports ({FORMAT_VERSION}); upgrade the package")
    if version < FORMAT_VERSION:
        raise ModelError(f"{path}: model format version {version} is no longer supported; retrain the model")
    return meta


@lru_cache(maxsize=8)
def cached_model(path: str) -> Model:
    """Load a model once per process (each executor/worker loads it once, then reuses it)."""
    return load_model(path)


def default_model() -> Model:
    """The bundled model, loaded lazily on first use."""
    return cached_model(str(DEFAULT_MODEL_PATH))
