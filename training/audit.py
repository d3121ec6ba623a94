"""Audit the weak labels: sample paragraphs per source and rule for hand review, then score agreement.

    python -m training.audit sample /tmp/audit --per-rule 10     # review sheets (with text: keep outside git)
    python -m training.audit score /tmp/audit/*.tsv               # → data/audit/verdicts.tsv + agreement table
    python -m training.audit hand                                 # the rules against the hand-labelled pages

A review sheet line is ``id<TAB>weak label<TAB>rule<TAB>verdict<TAB>text<TAB>context``; reviewers fill in
the verdict column with the correct label. Only ids, rules, labels and verdicts are stored in the repo.
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
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


def score(sheets: list[Path], name: str) -> dict[tuple[str, str], tuple[int, int]]:
    """Agreement per (source, rule); writes the verdicts (no text) to data/audit/verdicts_<name>.tsv."""
    verdicts = []
    for sheet in sheets:
        for number, line in enumerate(sheet.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith("#") or not line.strip():
                continue
            item_id, weak, rule, verdict = line.split("\t")[:4]
            if not verdict.strip():
                raise SystemExit(f"{sheet}:{number}: no verdict")
            verdicts.append((item_id, weak, rule, parse_label(verdict).value))
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
    args = parser.parse_args(argv)
    if args.command == "sample":
        print(f"{sample(args.out_dir, args.per_rule, rules=set(args.rules) if args.rules else None)} items written to {args.out_dir / 'sheet.tsv'}")
    elif args.command == "score":
        print(markdown(score(args.sheets, args.name)))
    elif args.command == "hand":
        print(markdown(hand_agreement(corpora_dir(args.corpora)), first_column="pages"))
    else:
        print(markdown(agreement(AUDIT_DIR / f"verdicts_{args.name}.tsv")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
