"""Train the bundled default model from the cached corpus, evaluate it on the held-out sites, save it.

    python -m training.build_corpus && python -m training.train_default

Same corpus → same model → same predictions: every step is deterministic (stable ordering, hashed
features, seeded sampling, deterministic solvers).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import sys
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import fields
from enum import IntEnum
from pathlib import Path

import numpy as np

from classifier.labels import Label
from classifier.model import DEFAULT_MODEL_PATH, save_model
from classifier.train import ContextSet, TrainConfig, TrainDoc, fit

from .corpus import DEFAULT_CACHE, MANUAL, Doc, Row, fine_known, read_docs, styles_for, trusted
from .sources import TEAM_SOURCES

SOURCE_WEIGHT = {
    "team": 1.0, "synthetic-de": 1.5, "trafilatura": 2.0, "l3s-gn1": 1.0, "dragnet": 0.7, "cleaneval": 0.7,
    "wcxb": 0.7, "germeval21": 0.5, "10kgnad": 1.0, "turku": 0.7, "webis-native-ads": 0.5,
}
"""Relative weight of each source's paragraphs: real pages and German data count most."""

LINE_COLLECTIONS = frozenset({"team"})
"""Sources whose documents are groups of lines, not page layouts: they do not train the context stage. Until 0.13.0
the Webis native-ad texts were one too; but a held-out Webis text is scored as a page of its own (two article
paragraphs and an inserted ad), so a context stage that never saw such pages extrapolated on them (ad F1 0.51–0.86
across refits of one stage 1). As pages they train it: ad F1 0.82 → 0.94 (README, "What 0.13.0 changed")."""

MAX_DOC_PARAGRAPHS = 400
"""Very long pages are cut to a window of this many paragraphs (keeps training time and memory bounded)."""

SECOND_TWIN_SHARE = 0.25
"""Non-German pages keep their HTML doc and first text twin, the other twin with this probability
(seeded); German pages keep both twins. Keeps the large English sources from dominating."""


def selected(doc: Doc) -> bool:
    """Which documents train the default model (deterministic)."""
    if "#" not in doc.doc_id or doc.lang == "de":
        return True
    first = styles_for(doc.doc_id.split("#")[0], 1)[0]
    return doc.doc_id.endswith("#" + first) or random.Random(doc.doc_id).random() < SECOND_TWIN_SHARE


COARSE_ROW_WEIGHT = 0.25
"""Weight of blocks a gold-text source only calls "not article" (fine label unknown): enough to teach
not-news, too little to teach that every promo or credit on those pages is boilerplate."""

CONTEXT_COARSE_ROW_WEIGHT = 0.5
"""The coarse rows' weight in the context stage. Heavier than stage 1's: the context stage decides where the article
ends on a page, and most of the keep(news) gain of heavier coarse rows came from it (README, "The context stage
alone")."""


class RowKind(IntEnum):
    """What a row's label says, as far as its weight is concerned."""

    UNTRUSTED = 0
    """Context for its neighbours only (weight 0)."""
    FINE = 1
    """One of the six labels, given by the source or the team (weight 1)."""
    COARSE = 2
    """Only "not article" (weight ``coarse``)."""


def row_kind(doc: Doc, row: Row) -> RowKind:
    return RowKind.UNTRUSTED if not trusted(doc, row) else RowKind.FINE if fine_known(doc, row) else RowKind.COARSE


def kind_weight(kind: RowKind, source: str, coarse: float | Mapping[str, float] = COARSE_ROW_WEIGHT) -> float:
    """A coarse row weighs ``coarse``, or ``coarse[source]`` (``coarse[""]`` for sources not named)."""
    if kind is not RowKind.COARSE:
        return float(kind is RowKind.FINE)
    return coarse.get(source, coarse[""]) if isinstance(coarse, Mapping) else coarse


def row_weight(doc: Doc, row: Row, coarse: float | Mapping[str, float] = COARSE_ROW_WEIGHT) -> float:
    return kind_weight(row_kind(doc, row), doc.source, coarse)


def team_data(doc: Doc) -> bool:
    """Written or hand-labelled by the team: left out of the "before" model, curated in stage 1's sample."""
    return doc.source in TEAM_SOURCES or any(row.label_source == MANUAL for row in doc.rows)


def trained_rows(doc: Doc) -> list[Row]:
    """The rows that train: all of them, or a window of :data:`MAX_DOC_PARAGRAPHS` fixed by the document's id."""
    rows = doc.rows
    if len(rows) > MAX_DOC_PARAGRAPHS:
        start = zlib.crc32(doc.doc_id.encode()) % (len(rows) - MAX_DOC_PARAGRAPHS)
        rows = rows[start:start + MAX_DOC_PARAGRAPHS]
    return rows


def to_train_doc(doc: Doc, coarse: float | Mapping[str, float] = COARSE_ROW_WEIGHT,
                 source_weight: Mapping[str, float] = SOURCE_WEIGHT,
                 context_coarse: float | Mapping[str, float] | None = CONTEXT_COARSE_ROW_WEIGHT,
                 line_collections: frozenset[str] = LINE_COLLECTIONS) -> TrainDoc:
    """``context_coarse``: the coarse rows' weight in the context stage (None: as in stage 1)."""
    rows = trained_rows(doc)
    return TrainDoc(doc.doc_id, doc.site, tuple(r.paragraph() for r in rows), tuple(Label(r.label) for r in rows),
                    source_weight.get(doc.source, 1.0), context=doc.source not in line_collections,
                    row_weights=tuple(row_weight(doc, r, coarse) for r in rows), curated=team_data(doc),
                    context_row_weights=None if context_coarse is None else tuple(row_weight(doc, r, context_coarse) for r in rows))


def row_kinds(doc: Doc) -> tuple[str, np.ndarray]:
    """The document's source and the :class:`RowKind` of each row it trains with."""
    return doc.source, np.array([row_kind(doc, row) for row in trained_rows(doc)], dtype=np.int8)


def dump_context(path: Path, data: ContextSet, page_docs: Sequence[int], kinds: Sequence[tuple[str, np.ndarray]],
                 training: Mapping) -> None:
    """Store the context stage's training data with each row's source and :class:`RowKind` (``kinds``: per training
    document, :func:`row_kinds`), so that ``training.refit_context`` can refit the stage alone, under other weights too."""
    sources = sorted({kinds[i][0] for i in page_docs})
    source = [np.full(len(kinds[i][1]), sources.index(kinds[i][0]), dtype=np.int16) for i in page_docs]
    np.savez_compressed(path, **{f.name: getattr(data, f.name) for f in fields(data)},
                        kind=np.concatenate([kinds[i][1] for i in page_docs]) if page_docs else np.zeros(0, np.int8),
                        source=np.concatenate(source) if page_docs else np.zeros(0, np.int16),
                        sources=np.array(sources, dtype=str), training=np.array(json.dumps(training)))


def load_split(cache: Path, split: str, sources: set[str] | None = None) -> Iterator[Doc]:
    """Stream the cached documents of one split (in a stable order)."""
    for path in sorted(cache.glob("*.jsonl")):
        yield from (d for d in read_docs(path) if d.split == split and (sources is None or d.source in sources))


DEFAULTS = TrainConfig()
"""The bundled model's recipe; ``--C``, ``--max-iter`` and the weight options reproduce the measured variants without
a branch."""


def _source_weight(value: str) -> tuple[str, float]:
    """``SOURCE=W`` of a command-line option; a source no corpus builder knows is a typo, not a weight."""
    source, _, weight = value.partition("=")
    if source not in SOURCE_WEIGHT:
        raise argparse.ArgumentTypeError(f"unknown source {source!r} (known: {', '.join(sorted(SOURCE_WEIGHT))})")
    try:
        return source, float(weight)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a weight: {weight!r} (expected SOURCE=W)") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--output", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--sources", nargs="*", help="only these sources (default: all)")
    parser.add_argument("--sample", type=float, default=1.0, help="share of training documents to use (seeded)")
    parser.add_argument("--without-team-data", action="store_true",
                        help="the 'before' model: no team-written lines, synthetic pages or hand-labelled pages")
    parser.add_argument("--C", type=float, default=DEFAULTS.C, help=f"stage 1's inverse regularization (default {DEFAULTS.C})")
    parser.add_argument("--max-iter", type=int, default=DEFAULTS.max_iter,
                        help=f"stage 1's solver iterations (default {DEFAULTS.max_iter}; see README, 'Stage 1 solved to convergence')")
    parser.add_argument("--coarse-row-weight", type=float, default=COARSE_ROW_WEIGHT,
                        help=f"weight of blocks whose source says only 'not article' (default {COARSE_ROW_WEIGHT}; see README, "
                             "'Coarse rows weighted up')")
    parser.add_argument("--coarse-for", action="append", default=[], metavar="SOURCE=W", type=_source_weight,
                        help="the coarse rows' weight for one source (repeatable; the others keep --coarse-row-weight; "
                             "see README, 'Coarse rows by source and by stage')")
    parser.add_argument("--source-weight", action="append", default=[], metavar="SOURCE=W", type=_source_weight,
                        help="override one source's weight in SOURCE_WEIGHT (repeatable)")
    parser.add_argument("--context-coarse-row-weight", type=float, default=CONTEXT_COARSE_ROW_WEIGHT, metavar="W",
                        help=f"the coarse rows' weight in the context stage, every source (default {CONTEXT_COARSE_ROW_WEIGHT})")
    parser.add_argument("--line-collections", nargs="*", default=sorted(LINE_COLLECTIONS), choices=sorted(SOURCE_WEIGHT),
                        metavar="SOURCE", help=f"sources whose documents are groups of lines: they do not train the context "
                                               f"stage (default: {' '.join(sorted(LINE_COLLECTIONS))}; 0.12's recipe adds "
                                               "webis-native-ads)")
    parser.add_argument("--dump-context", type=Path, metavar="FILE",
                        help="also store the context stage's training data (.npz) for python -m training.refit_context")
    args = parser.parse_args(argv)
    line_collections = frozenset(args.line_collections)
    source_weight = dict(SOURCE_WEIGHT) | dict(args.source_weight)
    coarse = {"": args.coarse_row_weight} | dict(args.coarse_for)
    started = time.perf_counter()
    digest = hashlib.sha256()
    train_docs, sources, kinds = [], set(), []
    for doc in load_split(args.cache, "train", set(args.sources) if args.sources else None):
        if args.without_team_data and team_data(doc):
            continue
        if selected(doc) and (args.sample >= 1.0 or random.Random(doc.doc_id).random() < args.sample):
            train_docs.append(to_train_doc(doc, coarse, source_weight, args.context_coarse_row_weight, line_collections))
            sources.add(doc.source)
            if args.dump_context:
                kinds.append(row_kinds(doc))
            digest.update(doc.to_json().encode())
    print(f"{len(train_docs)} training documents", file=sys.stderr)
    meta = {"training": {"corpus_hash": digest.hexdigest()[:16], "sources": sorted(sources), "coarse_row_weight": coarse,
                         "source_weight": source_weight, "context_coarse_row_weight": args.context_coarse_row_weight,
                         "line_collections": sorted(line_collections)}}
    config = TrainConfig(C=args.C, max_iter=args.max_iter)

    def dump(data: ContextSet, page_docs: Sequence[int]) -> None:
        dump_context(args.dump_context, data, page_docs, kinds, meta["training"] | {"config": config.to_json()})

    model = fit(train_docs, config, metadata=meta, on_context=dump if args.dump_context else None)
    save_model(model, args.output)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(time.perf_counter() - started, 1), "peak_rss_mb": round(peak), "model": str(args.output),
                      "model_mb": round(args.output.stat().st_size / 2**20, 2)}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
