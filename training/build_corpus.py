"""Rebuild the whole labelled corpus from the corpora folder into a cache outside git (deterministic).

    python -m training.build_corpus [--corpora DIR] [--cache DIR] [--jobs N] [--only SOURCE ...]

Each source is written to ``<cache>/<source>.jsonl`` (one document per line, in a stable order), plus
``team.jsonl`` and ``synthetic.jsonl`` from the team-written data in ``data/``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from joblib import Parallel, delayed

from .corpus import DEFAULT_CACHE, REPO, corpora_dir, write_docs
from .manual import HAND_LABELLED_SOURCES, manual_dir
from .sources import BUILDERS, build_synthetic, build_team, gnad_articles, team_lines


def _build_one(name: str, corpora: Path, cache: Path) -> tuple[str, int, float]:
    start = time.perf_counter()
    builder = BUILDERS[name]
    docs = builder(corpora, manual_dir(name)) if name in HAND_LABELLED_SOURCES else builder(corpora)  # type: ignore[call-arg]
    count = write_docs(docs, cache / f"{name}.jsonl")
    return name, count, time.perf_counter() - start


def build(corpora: Path, cache: Path, jobs: int = 2, only: list[str] | None = None) -> None:
    names = [n for n in (only or list(BUILDERS)) if n in BUILDERS]
    order = sorted(names, key=lambda n: ["dragnet", "wcxb", "trafilatura", "cleaneval", "l3s"].index(n) if n in {"dragnet", "wcxb", "trafilatura", "cleaneval", "l3s"} else 9)
    for name, count, seconds in Parallel(n_jobs=jobs)(delayed(_build_one)(n, corpora, cache) for n in order):
        print(f"built {name}: {count} docs in {seconds:.1f}s", file=sys.stderr)
    if only is None or "team" in only or "synthetic" in only:
        team = list(build_team(REPO / "data"))
        write_docs(team_lines(team), cache / "team.jsonl")
        count = write_docs(build_synthetic(team, gnad_articles(corpora)), cache / "synthetic.jsonl")
        print(f"built team: {len(team)} docs; synthetic: {count} pages", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", default=None, help="corpora folder (default: $CORPORA_DIR or ../shared/corpora)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"output folder (default: {DEFAULT_CACHE})")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="*", choices=[*BUILDERS, "team", "synthetic"])
    args = parser.parse_args(argv)
    build(corpora_dir(args.corpora), args.cache, args.jobs, args.only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
