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
from collections.abc import Iterator
from pathlib import Path

from classifier.labels import Label
from classifier.model import DEFAULT_MODEL_PATH, save_model
from classifier.train import TrainConfig, TrainDoc, fit

from .corpus import DEFAULT_CACHE, MANUAL, Doc, Row, fine_known, read_docs, styles_for, trusted
from .sources import TEAM_SOURCES

SOURCE_WEIGHT = {
    "team": 1.0, "synthetic-de": 1.5, "trafilatura": 2.0, "l3s-gn1": 1.0, "dragnet": 0.7, "cleaneval": 0.7,
    "wcxb": 0.7, "germeval21": 0.5, "10kgnad": 1.0, "turku": 0.7, "webis-native-ads": 0.5,
}
"""Relative weight of each source's paragraphs: real pages and German data count most."""

LINE_COLLECTIONS = frozenset({"team", "webis-native-ads"})
"""Sources whose documents are groups of lines, not page layouts: they do not train the context stage."""

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


def row_weight(doc: Doc, row: Row, coarse: float = COARSE_ROW_WEIGHT) -> float:
    if not trusted(doc, row):
        return 0.0
    return 1.0 if fine_known(doc, row) else coarse


def team_data(doc: Doc) -> bool:
    """Written or hand-labelled by the team: left out of the "before" model, curated in stage 1's sample."""
    return doc.source in TEAM_SOURCES or any(row.label_source == MANUAL for row in doc.rows)


def to_train_doc(doc: Doc, coarse: float = COARSE_ROW_WEIGHT) -> TrainDoc:
    rows = doc.rows
    if len(rows) > MAX_DOC_PARAGRAPHS:
        start = zlib.crc32(doc.doc_id.encode()) % (len(rows) - MAX_DOC_PARAGRAPHS)
        rows = rows[start:start + MAX_DOC_PARAGRAPHS]
    return TrainDoc(doc.doc_id, doc.site, tuple(r.paragraph() for r in rows), tuple(Label(r.label) for r in rows),
                    SOURCE_WEIGHT.get(doc.source, 1.0), context=doc.source not in LINE_COLLECTIONS,
                    row_weights=tuple(row_weight(doc, r, coarse) for r in rows), curated=team_data(doc))


def load_split(cache: Path, split: str, sources: set[str] | None = None) -> Iterator[Doc]:
    """Stream the cached documents of one split (in a stable order)."""
    for path in sorted(cache.glob("*.jsonl")):
        yield from (d for d in read_docs(path) if d.split == split and (sources is None or d.source in sources))


DEFAULTS = TrainConfig()
"""The bundled model's recipe; ``--C`` and ``--max-iter`` reproduce the measured variants without a branch."""


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
    args = parser.parse_args(argv)
    started = time.perf_counter()
    digest = hashlib.sha256()
    train_docs, sources = [], set()
    for doc in load_split(args.cache, "train", set(args.sources) if args.sources else None):
        if args.without_team_data and team_data(doc):
            continue
        if selected(doc) and (args.sample >= 1.0 or random.Random(doc.doc_id).random() < args.sample):
            train_docs.append(to_train_doc(doc, args.coarse_row_weight))
            sources.add(doc.source)
            digest.update(doc.to_json().encode())
    print(f"{len(train_docs)} training documents", file=sys.stderr)
    meta = {"training": {"corpus_hash": digest.hexdigest()[:16], "sources": sorted(sources), "coarse_row_weight": args.coarse_row_weight}}
    model = fit(train_docs, TrainConfig(C=args.C, max_iter=args.max_iter), metadata=meta)
    save_model(model, args.output)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(time.perf_counter() - started, 1), "peak_rss_mb": round(peak), "model": str(args.output),
                      "model_mb": round(args.output.stat().st_size / 2**20, 2)}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
