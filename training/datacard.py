"""Count the corpus for the data card: paragraphs per label × language × source, label-source shares.

    python -m training.datacard            # prints Markdown tables (pasted into data/README.md)

German paragraphs of the fine labels are counted twice over: from real pages (corpora and hand labels)
and team-written (data/team and the synthetic pages built from it, deduplicated by text).
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from classifier.labels import LABELS

from .corpus import DEFAULT_CACHE, read_docs
from .sources import TEAM_SOURCES


def count(cache: Path) -> dict:
    by_source: Counter[tuple[str, str, str]] = Counter()
    by_origin: Counter[tuple[str, str]] = Counter()
    german: dict[str, dict[str, set[str] | int]] = defaultdict(lambda: {"real": 0, "team": set()})
    for path in sorted(cache.glob("*.jsonl")):
        for doc in read_docs(path):
            html = doc.mode == "html" or "#" not in doc.doc_id
            for row in doc.rows:
                if doc.mode == "html" or not ("#" in doc.doc_id):  # count each labelled block once
                    by_source[(doc.source, doc.lang, row.label)] += 1
                    by_origin[(doc.source, row.label_source)] += 1
                if doc.lang == "de" and html:
                    if doc.source == "synthetic-de" and row.label == "news":
                        continue  # the articles of synthetic pages are 10kGNAD text, counted there
                    if doc.source in TEAM_SOURCES:
                        german[row.label]["team"].add(row.text)  # type: ignore[union-attr]
                    else:
                        german[row.label]["real"] += 1  # type: ignore[operator]
    return {"by_source": by_source, "by_origin": by_origin, "german": german}


def markdown(counts: dict) -> str:
    labels = [label.value for label in LABELS]
    lines = ["### German paragraphs per label (real pages vs team-written, unique texts)", "",
             "| label | real pages | team-written | total |", "|---|---|---|---|"]
    for label in labels:
        real, team = counts["german"][label]["real"], len(counts["german"][label]["team"])
        lines.append(f"| {label} | {real} | {team} | {real + team} |")
    lines += ["", "### Paragraphs per source × language × label (HTML blocks and single-label texts; text twins not counted)", "",
              "| source | lang | " + " | ".join(labels) + " |", "|---|---|" + "---|" * len(labels)]
    keys = sorted({(s, l) for s, l, _ in counts["by_source"]})
    for source, lang in keys:
        cells = [str(counts["by_source"].get((source, lang, label), 0)) for label in labels]
        if sum(map(int, cells)) >= 20:
            lines.append(f"| {source} | {lang} | " + " | ".join(cells) + " |")
    lines += ["", "### Label source shares per source", "", "| source | gold | weak | manual |", "|---|---|---|---|"]
    for source in sorted({s for s, _ in counts["by_origin"]}):
        total = sum(v for (s, _), v in counts["by_origin"].items() if s == source)
        shares = [counts["by_origin"].get((source, origin), 0) / total for origin in ("gold", "weak", "manual")]
        lines.append(f"| {source} | " + " | ".join(f"{share:.0%}" for share in shares) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    print(markdown(count(args.cache)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
