"""The quality gate: the bundled model's metrics on a fast held-out slice, pinned as floors.

    python -m training.quality_gate check            # what the test does: fail below floor - epsilon
    python -m training.quality_gate update           # raise floors to the current values (never lowers)
    python -m training.quality_gate update --allow-lower   # accept a drop, on purpose

The slice is every held-out page of L3S-GN1 and trafilatura's pages (incl. the hand-labelled German
ones), in HTML and text mode, plus the held-out team-written and synthetic German pages; it builds in
about a minute from the corpora folder, so CI recomputes it for every change.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from classifier.model import DEFAULT_MODEL_PATH, Model, load_model

from .corpus import REPO, Doc, corpora_dir
from .evaluate_heldout import headline_metrics, score_docs
from .manual import manual_dir
from .sources import build_l3s, build_synthetic, build_team, build_trafilatura, gnad_articles, team_lines

FLOORS = REPO / "tests" / "quality_floors.json"
EPSILON = 0.01
"""Slack below a floor before the gate fails (different BLAS builds may differ in the last digits)."""


def gate_docs(corpora: Path) -> list[Doc]:
    docs = list(build_l3s(corpora, split="test")) + list(build_trafilatura(corpora, manual_dir("trafilatura"), split="test"))
    team = list(build_team(REPO / "data"))
    docs += [d for d in team_lines(team) if d.split == "test"]
    docs += [d for d in build_synthetic(team, gnad_articles(corpora)) if d.split == "test"]
    return docs


def gate_metrics(model: Model, corpora: Path) -> dict[str, float]:
    return headline_metrics(score_docs(gate_docs(corpora), model, with_justext=False))


def failures(metrics: dict[str, float], floors: dict[str, float]) -> list[str]:
    return [f"{name}: {metrics.get(name, 0.0):.4f} < floor {floor:.4f} - {EPSILON}"
            for name, floor in floors.items() if metrics.get(name, 0.0) < floor - EPSILON]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["check", "update"])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--corpora", default=None)
    parser.add_argument("--allow-lower", action="store_true", help="with update: also lower floors")
    args = parser.parse_args(argv)
    metrics = gate_metrics(load_model(args.model), corpora_dir(args.corpora))
    floors = json.loads(FLOORS.read_text()) if FLOORS.exists() else {}
    if args.command == "check":
        problems = failures(metrics, floors)
        print("\n".join(problems) or "all metrics at or above their floors")
        return 1 if problems else 0
    lowered = {k: (floors[k], v) for k, v in metrics.items() if k in floors and v < floors[k]}
    if lowered and not args.allow_lower:
        print("refusing to lower floors without --allow-lower: " + ", ".join(f"{k} {a:.4f}→{b:.4f}" for k, (a, b) in lowered.items()), file=sys.stderr)
        return 1
    new = {k: round(v, 4) if args.allow_lower else round(max(v, floors.get(k, 0.0)), 4) for k, v in metrics.items()}
    FLOORS.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n")
    print(json.dumps(new, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
