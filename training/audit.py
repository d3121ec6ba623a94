"""Audit the weak labels: sample paragraphs per source and rule for hand review, then score agreement.

    python -m training.audit sample /tmp/audit --per-rule 10     # review sheets (with text: keep outside git)
    python -m training.audit score /tmp/audit/*.tsv               # → data/audit/verdicts.tsv + agreement table
    python -m training.audit hand                                 # the rules against the hand-labelled pages
    python -m training.audit cells /tmp/cells --per-cell 40        # blind sheets of the keep decision's four cells
    python -m training.audit keep round8 /tmp/cells/*.tsv         # → data/audit/ + keep(news) re-estimated

A review sheet line is ``id<TAB>weak label<TAB>rule<TAB>verdict<TAB>text<TAB>context``; reviewers fill in
the verdict column with the correct label. Only ids, rules, labels and verdicts are stored in the repo.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from classifier.labels import parse_label

from .corpus import DEFAULT_CACHE, REPO, WEAK, corpora_dir, read_docs

AUDIT_DIR = REPO / "data" / "audit"
HTML_SOURCES = ("dragnet", "cleaneval", "wcxb", "trafilatura", "l3s")


def rule_family(rule: str) -> str:
    """snippet-without/cls-ad → cls-ad: the audit judges the rule that chose the label."""
    return rule.split("/")[-1]


def sample(out_dir: Path, per_rule: int, cache: Path = DEFAULT_CACHE, seed: int = 7, rules: set[str] | None = None) -> int:
    candidates: dict[tuple[str, str], list[tuple[str, str, str, str]]] = defaultdict(list)
    for name in HTML_SOURCES:
        for doc in read_docs(cache / f"{name}.jsonl"):
            if doc.mode != "html":
                continue
            for index, row in enumerate(doc.rows):
                if row.label_source != WEAK or (rules is not None and rule_family(row.rule) not in rules):
                    continue
                before = doc.rows[index - 1].text[:80] if index else ""
                after = doc.rows[index + 1].text[:80] if index + 1 < len(doc.rows) else ""
                tokens = " ".join((row.structure or {}).get("tokens", [])[:8])
                context = f"BEFORE: {before} | AFTER: {after} | DOM: {tokens}"
                candidates[(doc.source, rule_family(row.rule))].append((f"{doc.doc_id}@{index}", row.label, row.rule, f"{row.text[:400]}\t{context}"))
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = ["# id\tweak_label\trule\tverdict\ttext\tcontext"]
    for key in sorted(candidates):
        items = candidates[key]
        for item_id, label, rule, rest in rng.sample(items, min(per_rule, len(items))):
            lines.append(f"{item_id}\t{label}\t{rule}\t\t{rest}".replace("\n", " "))
    (out_dir / "sheet.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


def _filled(sheets: list[Path], column: int) -> Iterator[tuple[list[str], str]]:
    """Every reviewed line of the sheets: its fields and the verdict in ``column``, checked against the label set."""
    for sheet in sheets:
        for number, line in enumerate(sheet.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith("#") or not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) <= column or not fields[column].strip():
                raise SystemExit(f"{sheet}:{number}: no verdict")
            yield fields, parse_label(fields[column]).value


def score(sheets: list[Path], name: str) -> dict[tuple[str, str], tuple[int, int]]:
    """Agreement per (source, rule); writes the verdicts (no text) to data/audit/verdicts_<name>.tsv."""
    verdicts = [(*fields[:3], verdict) for fields, verdict in _filled(sheets, 3)]
    AUDIT_DIR.mkdir(parents=True, exist_ok=True)
    (AUDIT_DIR / f"verdicts_{name}.tsv").write_text(
        "# id\tweak_label\trule\tverdict (hand review of weak labels; text stays in the corpora)\n"
        + "".join(f"{a}\t{b}\t{c}\t{d}\n" for a, b, c, d in sorted(verdicts)), encoding="utf-8")
    return agreement(AUDIT_DIR / f"verdicts_{name}.tsv")


def agreement(path: Path) -> dict[tuple[str, str], tuple[int, int]]:
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        item_id, weak, rule, verdict = line.split("\t")
        key = (item_id.split(":")[0], rule_family(rule))
        table[key][0] += weak == verdict
        table[key][1] += 1
    return {key: (a, n) for key, (a, n) in sorted(table.items())}


def hand_agreement(corpora: Path) -> dict[tuple[str, str], tuple[int, int]]:
    """Every block of the hand-labelled pages: how often the label it would get without hand labels (snippet, gold
    text or rule) equals the hand label, per page group (trafilatura's German and English pages, Dragnet's) and
    rule. A full census rather than a sample; blocks no rule covers on trafilatura pages (``default-boilerplate``,
    untrusted there) are left out. On Dragnet pages ``default-boilerplate`` is a "not article" verdict: it counts as
    right when the hand label is not news."""
    from classifier.labels import Label
    from classifier.segment import html_blocks

    from .manual import hand_labels, manual_dir, text_key
    from .sources import build_dragnet, guess_language, trafilatura_labels, trafilatura_page

    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])

    def tally(group: str, rule: str, label: Label, truth: Label | None) -> None:
        if truth is None:
            return
        coarse = rule == "default-boilerplate"  # a "not article" verdict: right unless the hand label is news
        cell = counts[(group, "default-boilerplate → not news" if coarse else f"{rule} → {label.value}")]
        cell[0] += truth is not Label.NEWS if coarse else truth is label
        cell[1] += 1

    for path in sorted(manual_dir("trafilatura").glob("*.tsv")):
        hand = hand_labels(path)
        meta, html = trafilatura_page(corpora, path.stem)
        blocks = html_blocks(html)
        lang = guess_language(" ".join(b.paragraph.text for b in blocks))
        for block, (label, _, rule) in zip(blocks, trafilatura_labels(blocks, meta, html)):
            if rule != "default-boilerplate":
                tally(lang, rule, label, hand.get(text_key(block.paragraph.text)))
    dragnet = {path.stem: hand_labels(path) for path in sorted(manual_dir("dragnet").glob("*.tsv"))}
    for doc in build_dragnet(corpora, pages=dragnet.keys()) if dragnet else ():
        hand = dragnet.get(doc.doc_id.removeprefix("dragnet:")) if doc.mode == "html" else None
        for row in doc.rows if hand else ():
            tally("dragnet", row.rule, Label(row.label), hand.get(text_key(row.text)))
    return {key: (agree, n) for key, (agree, n) in sorted(counts.items())}


CELL_SOURCES = ("wcxb", "cleaneval")
"""Gold-text sources whose "not article" verdict no hand-labelled page checks (Dragnet's: the 12 held-out pages)."""

KEEP_CELLS = ("gold-news/kept", "gold-news/dropped", "gold-not/kept", "gold-not/dropped")
"""The keep decision's four cells: the source's verdict (news or not) × the model's (kept or dropped)."""

BOOTSTRAP_ROUNDS = 2000
"""Resamples of the reviewed rows behind the re-estimate's 90 % interval."""


def _context(rows: list, index: int) -> tuple[str, str, str]:
    """Three paragraphs before and after, and the page's first four: what a reviewer needs to place a line."""
    join = lambda items, width: " ⏎ ".join(r.text[:width] for r in items).replace("\t", " ").replace("\n", " ")
    return join(rows[max(0, index - 3):index], 100), join(rows[index + 1:index + 4], 100), join(rows[:4], 80)


def sample_cells(out_dir: Path, model_path: Path | None, per_cell: int, cache: Path = DEFAULT_CACHE, seed: int = 8) -> dict[str, int]:
    """Blind review sheets of the keep decision on the held-out text pages of ``CELL_SOURCES``.

    Every trusted paragraph falls in one cell; ``per_cell`` are drawn from each (seeded), shuffled, and written
    without their cell (``sheet.tsv``, text included: keep it outside git) next to the key (``key.json``: each
    id's cell and every cell's size). Sampling every cell, not only the errors, is what makes the re-estimate
    unbiased: the source's verdicts can be wrong where the model agrees with them too."""
    from classifier.evaluate import labels_of
    from classifier.labels import Label
    from classifier.model import default_model, load_model

    from .corpus import trusted

    model = load_model(model_path) if model_path else default_model()
    cells: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in CELL_SOURCES:
        for doc in read_docs(cache / f"{name}.jsonl"):
            if doc.split != "test" or doc.mode != "text":
                continue
            for index, (row, label) in enumerate(zip(doc.rows, labels_of(doc.paragraphs(), model))):
                if trusted(doc, row):
                    cell = f"{name}/{'gold-news' if row.label == Label.NEWS.value else 'gold-not'}/{'kept' if label is Label.NEWS else 'dropped'}"
                    text = row.text[:600].replace("\t", " ").replace("\n", " ")
                    cells[cell].append((f"{doc.doc_id}@{index}", "\t".join((text, *_context(doc.rows, index)))))
    rng = random.Random(seed)
    drawn = [(cell, item) for cell in sorted(cells) for item in rng.sample(cells[cell], min(per_cell, len(cells[cell])))]
    rng.shuffle(drawn)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "sheet.tsv").write_text("# id\tverdict\ttext\tbefore\tafter\tpage start\n"
                                       + "".join(f"{item_id}\t\t{rest}\n" for _, (item_id, rest) in drawn), encoding="utf-8")
    sizes = {cell: len(items) for cell, items in sorted(cells.items())}
    trained_on = model.metadata.get("training", {}).get("corpus_hash", "?")
    key = {"cells": {item_id: cell for cell, (item_id, _) in drawn}, "sizes": sizes,
           "model": f"{model.metadata.get('package_version', '?')}, corpus {trained_on}"}
    (out_dir / "key.json").write_text(json.dumps(key, indent=1), encoding="utf-8")
    return sizes


def score_cells(key_path: Path, sheets: list[Path], name: str) -> Path:
    """Store a cell review (ids, cells, verdicts; no text) as ``data/audit/verdicts_<name>.tsv`` with the cell sizes."""
    key = json.loads(key_path.read_text(encoding="utf-8"))
    lines = [f"{fields[0]}\t{key['cells'][fields[0]]}\t{verdict}\n" for fields, verdict in _filled(sheets, 1)]
    path = AUDIT_DIR / f"verdicts_{name}.tsv"
    path.write_text(f"# id\tcell\tverdict (blind review of the keep decision's cells; sizes: {json.dumps(key['sizes'])}; "
                    f"model {key['model']})\n" + "".join(sorted(lines)), encoding="utf-8")
    return path


def keep_estimate(path: Path, seed: int = 0) -> dict[str, dict[str, float]]:
    """keep(news) precision/recall/F1 as the source's verdicts score it and as the reviewers' verdicts re-estimate
    it (each cell's reviewed share of news scaled to the cell's size), per source and overall, with a bootstrap
    90 % interval of the re-estimated F1."""
    header, *body = path.read_text(encoding="utf-8").splitlines()
    sizes: dict[str, int] = json.loads(header.split("sizes: ")[1].split("; model")[0])
    reviewed: dict[str, list[bool]] = defaultdict(list)
    for line in body:
        _, cell, verdict = line.split("\t")
        reviewed[cell].append(verdict == "news")

    def prf(tp: float, kept: float, news: float) -> tuple[float, float, float]:
        p, r = tp / kept, tp / news
        return p, r, 2 * p * r / (p + r)

    def estimate(sources: list[str], shares: dict[str, float]) -> tuple[float, float, float]:
        size = lambda s, c: sizes.get(f"{s}/{c}", 0)
        tp = sum(size(s, c) * shares[f"{s}/{c}"] for s in sources for c in KEEP_CELLS[::2] if size(s, c))
        news = sum(size(s, c) * shares[f"{s}/{c}"] for s in sources for c in KEEP_CELLS if size(s, c))
        return prf(tp, sum(size(s, c) for s in sources for c in KEEP_CELLS[::2]), news)

    rng = random.Random(seed)
    result = {}
    groups = {s: [s] for s in sorted({cell.split("/")[0] for cell in sizes})}
    groups["all"] = [s for group in groups.values() for s in group]
    labelled = {cell: float(cell.split("/")[1] == "gold-news") for cell in sizes}  # the source's verdict, taken as true
    shares = {cell: sum(v) / len(v) for cell, v in reviewed.items()}
    for group, sources in groups.items():
        as_labelled = estimate(sources, labelled)
        boot = sorted(estimate(sources, {cell: sum(draw) / len(draw) for cell, v in reviewed.items()
                                         for draw in [rng.choices(v, k=len(v))]})[2] for _ in range(BOOTSTRAP_ROUNDS))
        p, r, f = estimate(sources, shares)
        result[group] = {"labelled_p": as_labelled[0], "labelled_r": as_labelled[1], "labelled_f1": as_labelled[2],
                         "reviewed_p": p, "reviewed_r": r, "reviewed_f1": f,
                         "f1_low": boot[BOOTSTRAP_ROUNDS // 20], "f1_high": boot[-BOOTSTRAP_ROUNDS // 20 - 1]}
    return result


def markdown(table: dict[tuple[str, str], tuple[int, int]], first_column: str = "source") -> str:
    lines = [f"| {first_column} | rule | reviewed | agree | agreement |", "|---|---|---|---|---|"]
    for (source, rule), (agree, n) in table.items():
        lines.append(f"| {source} | {rule} | {n} | {agree} | {agree / n:.0%} |")
    total_agree = sum(a for a, _ in table.values())
    total = sum(n for _, n in table.values())
    lines.append(f"| all | all | {total} | {total_agree} | {total_agree / max(1, total):.0%} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample")
    s.add_argument("out_dir", type=Path)
    s.add_argument("--per-rule", type=int, default=10)
    s.add_argument("--rules", nargs="*", help="only these rules")
    c = sub.add_parser("score")
    c.add_argument("name", help="round name, e.g. round2")
    c.add_argument("sheets", nargs="+", type=Path)
    r = sub.add_parser("report")
    r.add_argument("name")
    h = sub.add_parser("hand", help="agreement of the snippets, gold texts and rules with the hand-labelled pages")
    h.add_argument("--corpora", default=None)
    k = sub.add_parser("cells", help="blind review sheets of the keep decision's four cells (held-out text pages)")
    k.add_argument("out_dir", type=Path)
    k.add_argument("--model", type=Path, default=None, help="default: the bundled model")
    k.add_argument("--per-cell", type=int, default=40)
    e = sub.add_parser("keep", help="store a cell review and re-estimate keep(news) from it")
    e.add_argument("name", help="round name, e.g. round8")
    e.add_argument("sheets", nargs="*", type=Path, help="filled sheets (with key.json beside them); none: re-read the stored round")
    args = parser.parse_args(argv)
    if args.command == "sample":
        print(f"{sample(args.out_dir, args.per_rule, rules=set(args.rules) if args.rules else None)} items written to {args.out_dir / 'sheet.tsv'}")
    elif args.command == "score":
        print(markdown(score(args.sheets, args.name)))
    elif args.command == "cells":
        sizes = sample_cells(args.out_dir, args.model, args.per_cell)
        print(f"{sum(min(args.per_cell, n) for n in sizes.values())} items written to {args.out_dir / 'sheet.tsv'}; cells {sizes}")
    elif args.command == "keep":
        path = score_cells(args.sheets[0].parent / "key.json", args.sheets, args.name) if args.sheets else AUDIT_DIR / f"verdicts_{args.name}.tsv"
        print("| source | keep(news) P / R / F1, as labelled | as reviewed | 90 % interval of F1 |\n|---|---|---|---|")
        for group, v in keep_estimate(path).items():
            print(f"| {group} | {v['labelled_p']:.3f} / {v['labelled_r']:.3f} / {v['labelled_f1']:.3f} | "
                  f"{v['reviewed_p']:.3f} / {v['reviewed_r']:.3f} / {v['reviewed_f1']:.3f} | {v['f1_low']:.3f}–{v['f1_high']:.3f} |")
    elif args.command == "hand":
        print(markdown(hand_agreement(corpora_dir(args.corpora)), first_column="pages"))
    else:
        print(markdown(agreement(AUDIT_DIR / f"verdicts_{args.name}.tsv")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
