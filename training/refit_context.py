"""Refit the context stage alone on the data a training run stored, and swap it into that run's model.

    python -m training.train_default --dump-context context.npz --output base.npz
    python -m training.refit_context context.npz --model base.npz --output refit.npz --trees 60 --learning-rate 0.2

A full retrain takes 17–35 min; most of it is stage 1, which a change to the context stage's weights or trees does
not touch. The stored data are the out-of-fold stage-1 probabilities of the pages the context stage learns from,
with every row's label, source and kind (fine, coarse, untrusted), so the stage can be refitted in minutes under
other settings. With none given, the refit rebuilds the run's own context stage array for array.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np

from classifier.errors import LabelError
from classifier.labels import LABELS
from classifier.model import load_model, save_model
from classifier.train import ContextSet, TrainConfig, fit_context

from .train_default import COARSE_ROW_WEIGHT, RowKind, _source_weight, kind_weight


def load_context(path: Path) -> tuple[ContextSet, np.ndarray, list[str], dict]:
    """The stored context set, each row's source name index, the source names and the run's training metadata."""
    with np.load(path, allow_pickle=False) as stored:
        data = ContextSet(**{name: stored[name] for name in ("probabilities", "chars", "bounds", "labels", "weight", "fold")})
        if data.probabilities.shape[1:] != (len(LABELS),):
            raise LabelError(f"{path}: {data.probabilities.shape[1]} labels stored, this package has {len(LABELS)}")
        return data, np.stack([stored["kind"], stored["source"]]), stored["sources"].tolist(), json.loads(str(stored["training"]))


def reweighted(data: ContextSet, kind_source: np.ndarray, sources: list[str], coarse: float | Mapping[str, float],
               source_weight: Mapping[str, float]) -> ContextSet:
    """The same rows under other weights: the document's source weight times the row's kind weight."""
    table = np.array([[source_weight.get(source, 1.0) * kind_weight(kind, source, coarse) for source in sources]
                      for kind in RowKind])
    return replace(data, weight=table[kind_source[0], kind_source[1]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("context", type=Path, help="the file written by train_default --dump-context")
    parser.add_argument("--model", type=Path, required=True, help="the model of the same run (its stage 1 is kept)")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--context-coarse-row-weight", type=float, metavar="W",
                        help="the coarse rows' weight, every source (default: the run's)")
    parser.add_argument("--coarse-for", action="append", default=[], metavar="SOURCE=W", type=_source_weight,
                        help="the coarse rows' weight for one source (repeatable)")
    parser.add_argument("--source-weight", action="append", default=[], metavar="SOURCE=W", type=_source_weight,
                        help="one source's weight (repeatable; default: the run's)")
    parser.add_argument("--trees", type=int, help="boosting rounds (default: the run's)")
    parser.add_argument("--depth", type=int, help="tree depth (default: the run's)")
    parser.add_argument("--learning-rate", type=float, help="(default: the run's)")
    parser.add_argument("--own-weight", type=float, metavar="W",
                        help="the first-stage evidence's pooling weight (default: cross-validated, as in training)")
    args = parser.parse_args(argv)
    data, kind_source, sources, training = load_context(args.context)
    stored = training["config"]
    config = TrainConfig(**{key: value for key, value in stored.items() if key in TrainConfig.__dataclass_fields__})
    config = replace(config, context_trees=args.trees or config.context_trees, context_depth=args.depth or config.context_depth,
                     context_learning_rate=args.learning_rate or config.context_learning_rate)
    context_coarse = training.get("context_coarse_row_weight", training.get("coarse_row_weight", COARSE_ROW_WEIGHT))
    if args.context_coarse_row_weight is not None:
        context_coarse = args.context_coarse_row_weight
    if not isinstance(context_coarse, Mapping):
        context_coarse = {"": context_coarse}
    coarse = dict(context_coarse) | dict(args.coarse_for)
    source_weight = dict(training.get("source_weight", {})) | dict(args.source_weight)
    data = reweighted(data, kind_source, sources, coarse, source_weight)
    forest, own_weight = fit_context(data, config, args.own_weight)
    model = load_model(args.model)
    meta = dict(model.metadata)
    meta["training"] = {**meta.get("training", {}), "config": config.to_json(),
                        "context_refit": {"context_coarse_row_weight": coarse, "source_weight": source_weight,
                                          "own_weight": "cross-validated" if args.own_weight is None else args.own_weight}}
    save_model(replace(model, context=forest, context_own_weight=own_weight, metadata=meta), args.output)
    print(json.dumps({"model": str(args.output), "own_weight": own_weight, "rows": int(len(data.labels))}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
