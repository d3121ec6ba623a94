"""One corpus builder per source in the corpora folder; each yields labelled Docs (HTML docs + text twins).

Every builder reads the corpus from disk at build time; nothing of the corpora's text enters the repo.
See each corpus's SOURCE.md for its format and terms; the label mappings below follow them.
"""

from __future__ import annotations

import csv
import gzip
import html as html_lib
import json
import random
import re
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path

from classifier.decode import decode
from classifier.errors import InputError
from classifier.labels import Label
from classifier.segment import HtmlBlock, html_blocks

from .corpus import (
    GOLD,
    MANUAL,
    REPO,
    WEAK,
    WITHOUT_RULE,
    Doc,
    GoldMatcher,
    Row,
    SnippetMatcher,
    class_tokens,
    guess_language,
    html_doc,
    site_of_url,
    split_of,
    weak_label,
    with_text_twins,
)
from classifier.labelsfile import read_labelled_file

Labelled = tuple[Label, str, str]


def _read_gz(path: Path) -> str | None:
    """A gzipped page as text; None for the few pages that are not text (skipped by the builders)."""
    try:
        return decode(gzip.open(path).read())
    except InputError:
        return None


def _gold_or_weak(blocks: list[HtmlBlock], matchers: list[tuple[GoldMatcher, Label]]) -> list[Labelled]:
    """Blocks matching a gold text take its label; the rest are labelled by the weak DOM rules.

    Gold article texts of these corpora keep bylines and date lines, which LABELS.md counts as
    boilerplate; such short lines become ``gold-news-dateline`` boilerplate.
    """
    out: list[Labelled] = []
    for block in blocks:
        for matcher, label in matchers:
            if matcher.matches(block.paragraph.text):
                if label is Label.NEWS and is_dateline(block.paragraph.text):
                    out.append((Label.BOILERPLATE, WEAK, "gold-news-dateline"))
                else:
                    out.append((label, GOLD, f"gold-{label.value}"))
                break
        else:
            label, rule = weak_label(block.paragraph)
            out.append((label, WEAK, rule))
    return out


# --------------------------------------------------------------------------- L3S-GN1

_L3S_SPAN = re.compile(r"""class=(["'])x-nc-sel(\d)\1""")
_DATELINE = re.compile(
    r"^\s*(by\b|posted\b|published\b|updated\b|last updated\b|written by\b)|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b"
    r"|\d{1,2}:\d{2}\s*(am|pm)?|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\.\d{1,2}\.(\d{2}|\d{4})\b"
    r"|\b\d{1,2}\.? (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mär|mai|okt|dez)[a-zä]*\b|\b(19|20)\d{2}\b",
    re.IGNORECASE,
)
def is_dateline(text: str) -> bool:
    """A short byline/date/time line ("By Jane Doe", "July 18, 2012", "05:55 PM EDT", "Aktualisiert am …"):
    a byline, or a date/time with at most four other words around it."""
    if len(text) >= 80:
        return False
    if _BYLINE.match(text):
        return True
    return bool(_DATELINE.search(text)) and len(_DATELINE.sub(" ", text).split()) <= 4


_BYLINE = re.compile(r"^\s*(by|von|from|posted by|written by)\s+[A-ZÄÖÜ][\w.'-]+(\s+[A-ZÄÖÜ][\w.'-]+){0,3}\s*(,.*)?$|^\s*(aktualisiert|veröffentlicht|stand)\b", re.IGNORECASE)
_L3S_LABELS = {"1": Label.NEWS, "2": Label.NEWS, "3": Label.CAPTION, "4": Label.TEASER, "5": Label.COMMENTS}


_L3S_PICTURE_CLASS = re.compile(r"caption|photo|cutline|image|picture|(?<!to)pics?$|img|figure")
_L3S_BYLINE_CLASS = re.compile(r"byline|author|creditline")
_PHOTO_CREDIT = re.compile(r"^\W*(staff )?(photo(graph)?s?|pictures?|images?)( by\b|\s*:)|^\s*courtesy\s*:", re.IGNORECASE)


def is_l3s_caption(block: HtmlBlock) -> bool:
    """An L3S "supplemental" block that is a picture's caption or credit: it sits in a caption/photo/image
    container (not a byline's), or it opens with a photo credit ("Photo by …", "Picture: …")."""
    classes = class_tokens(block.paragraph)
    in_picture = any(_L3S_PICTURE_CLASS.search(c) for c in classes) and not any(_L3S_BYLINE_CLASS.search(c) for c in classes)
    return in_picture or bool(_PHOTO_CREDIT.match(block.paragraph.text))


def _l3s_label(block: HtmlBlock) -> Labelled:
    """L3S "supplemental" (sel3) mixes captions with bylines, agency and copyright lines, dates and info
    boxes (the audit's third round: data/README.md), so only its picture blocks are captions. The rest,
    ``l3s-sel3-other``, is even news at times (agency credits and sign-offs that end the body): untrusted."""
    text = block.paragraph.text
    if block.mark in _L3S_LABELS:
        label = _L3S_LABELS[block.mark]
        if label is Label.CAPTION:
            if is_dateline(text):
                return Label.BOILERPLATE, WEAK, "l3s-sel3-dateline"
            return (Label.CAPTION, WEAK, "l3s-sel3-caption") if is_l3s_caption(block) else (Label.BOILERPLATE, WEAK, "l3s-sel3-other")
        return label, GOLD, f"l3s-sel{block.mark}"
    if weak_label(block.paragraph, frozenset({"text-ad-marker"}))[0] is Label.AD:
        return Label.AD, WEAK, "text-ad-marker"
    return Label.BOILERPLATE, GOLD, "l3s-not-content"


def build_l3s(root: Path, split: str | None = None) -> Iterator[Doc]:
    base = next((root / "L3S-GN1").glob("L3S-GN1-*"))
    urls = dict(line.split("\t", 1) for line in (base / "url-mapping.txt").read_text(encoding="utf-8").splitlines() if "\t" in line)
    for path in sorted((base / "annotated").glob("*.html.gz")):
        uuid = path.name.removesuffix(".html.gz")
        url = urls.get(f"<urn:uuid:{uuid}>", uuid).strip()
        if split is not None and split_of(site_of_url(url)) != split:
            continue
        html = gzip.open(path).read().decode("utf-8", errors="replace")  # SOURCE.md: UTF-8, mostly undeclared
        blocks = html_blocks(_L3S_SPAN.sub(r'data-gold="\2"', html), mark_attribute="data-gold")
        labelled = [_l3s_label(block) for block in blocks]
        gold = "\n".join(b.paragraph.text for b, (label, _, _) in zip(blocks, labelled) if label is Label.NEWS)
        doc = html_doc(f"l3s:{uuid}", site_of_url(url), "en", "l3s-gn1", blocks, labelled, gold)
        yield from with_text_twins(doc, blocks)


# --------------------------------------------------------------------------- Dragnet

# The annotators' separator line "!@#$%^&*()  COMMENTS" was typed by hand: 10 of the 416 files garble it
# ("@#$%^&*() COMMENTS", "!@ $%^&*()  COMMENTS", ...), and 60 files have Windows line ends, where "$" does not
# match before "\r". Missing one turns a whole comment thread into "article".
_DRAGNET_COMMENTS = re.compile(r"\n*^[ \t]*[!@#$%^&*()][!@#$%^&*() \t]{4,}COMMENTS[ \t]*$\n*", re.MULTILINE)


def split_dragnet_gold(gold: str) -> tuple[str, str]:
    """The article part and the comments part ("" if none) of a Dragnet gold file."""
    gold = gold.replace("\r\n", "\n").replace("\r", "\n")
    article, comments = (_DRAGNET_COMMENTS.split(gold, maxsplit=1) + [""])[:2]
    return article, comments


def build_dragnet(root: Path, manual_dir: Path | None = None, pages: Collection[str] | None = None) -> Iterator[Doc]:
    """Dragnet's pages (or only ``pages``, by page id) with gold, weak and hand labels, and their text twins."""
    base = root / "dragnet"
    test_ids = set((base / "test.txt").read_text().split())
    for path in sorted((base / "HTML").glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        if pages is not None and page_id not in pages:
            continue
        gold_path = base / "Corrected" / f"{page_id}.html.corrected.txt"
        if not gold_path.exists():
            continue
        html = _read_gz(path)
        if html is None:
            continue
        gold = gold_path.read_bytes().decode("utf-8", errors="replace")
        article, comments = split_dragnet_gold(gold)
        blocks = html_blocks(html)
        matchers = [(GoldMatcher(article), Label.NEWS)] + ([(GoldMatcher(comments), Label.COMMENTS)] if comments.strip() else [])
        labelled = _with_manual(blocks, _gold_or_weak(blocks, matchers), manual_dir, page_id)
        doc = html_doc(f"dragnet:{page_id}", f"dragnet:{page_id}", guess_language(article), "dragnet", blocks,
                       labelled, article, "test" if page_id in test_ids else "train")
        yield from with_text_twins(doc, blocks)


# --------------------------------------------------------------------------- CleanEval

_CLEANEVAL_MARK = re.compile(r"^\s*<[phl]>\s*", re.MULTILINE)
_CLEANEVAL_URL = re.compile(r"""<text id=["']([^"']+)""")


KEPT_PAGE_TYPES = frozenset({"article"})
"""Page types whose gold "main content" is what LABELS.md calls news, for the gold-text sources that mix page
types (WCXB, CleanEval). On the others the gold is something else: a forum thread's or a review page's
posts are reader comments; a shop or landing page's pitch is advertising; a link directory is pointers.
As news they taught that a comment thread, a sales pitch or a link list is article text."""

PAGE_TYPES = frozenset({"article", "forum", "listing", "commercial", "other"})
"""The types of a page-type file (the prompt the reviewers followed defines them: data/page_types/README.md)."""

CLEANEVAL_PAGE_TYPES = REPO / "data" / "page_types" / "cleaneval.tsv"
"""The team's page type of every CleanEval page (``page id<TAB>type<TAB>reason``): CleanEval states none."""


def page_types(path: Path) -> dict[str, str]:
    """Page id → page type, from a page-type file (a type outside :data:`PAGE_TYPES` raises ValueError)."""
    types = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            page_id, page_type = line.split("\t")[:2]
            if page_type not in PAGE_TYPES:
                raise ValueError(f"{path.name}: unknown page type {page_type!r} for {page_id}")
            types[page_id] = page_type
    return types


def build_cleaneval(root: Path, types_path: Path = CLEANEVAL_PAGE_TYPES) -> Iterator[Doc]:
    """CleanEval's article pages (:data:`KEPT_PAGE_TYPES`); a page the type file does not name is kept."""
    types = page_types(types_path)
    for part in ("cleaneval-dev", "cleaneval-final"):
        base = root / "cleaneval" / part
        for gold_path in sorted((base / "GoldStandard").glob("*.txt")):
            html_path = base / "input" / f"{gold_path.stem}.html.gz"
            if not html_path.exists() or types.get(f"{part}:{gold_path.stem}", "article") not in KEPT_PAGE_TYPES:
                continue
            html = _read_gz(html_path)
            if html is None:
                continue
            gold_raw = gold_path.read_bytes().decode("utf-8", errors="replace")
            lines = gold_raw.splitlines()
            gold = _CLEANEVAL_MARK.sub("", "\n".join(lines[1:] if lines and lines[0].startswith("URL:") else lines))
            url = _CLEANEVAL_URL.search(html[:2000])
            site = site_of_url(url.group(1)) if url else f"cleaneval:{gold_path.stem}"
            blocks = html_blocks(html)
            doc = html_doc(f"cleaneval:{part}:{gold_path.stem}", site, guess_language(gold), "cleaneval", blocks,
                           _gold_or_weak(blocks, [(GoldMatcher(gold), Label.NEWS)]), gold)
            yield from with_text_twins(doc, blocks)


# --------------------------------------------------------------------------- WCXB


def _wcxb_page_type(meta: dict) -> str:
    page_type = (meta.get("_internal") or {}).get("page_type") or {}
    return str(page_type.get("primary", "") if isinstance(page_type, dict) else page_type)


def build_wcxb(root: Path) -> Iterator[Doc]:
    base = root / "WCXB" / "dev"
    for gold_path in sorted((base / "ground-truth").glob("*.json")):
        html_path = base / "html" / f"{gold_path.stem}.html.gz"
        if not html_path.exists():
            continue
        meta = json.loads(gold_path.read_text(encoding="utf-8"))
        if _wcxb_page_type(meta) not in KEPT_PAGE_TYPES:
            continue
        truth = meta.get("ground_truth") or {}
        gold = html_lib.unescape(truth.get("main_content") or "")  # one page's gold keeps "I&#39;m" from its HTML
        if not gold.strip():
            continue
        html = _read_gz(html_path)
        if html is None:
            continue
        blocks = html_blocks(html)
        doc = html_doc(f"wcxb:{gold_path.stem}", site_of_url(meta.get("url", gold_path.stem)), guess_language(gold), "wcxb",
                       blocks, _gold_or_weak(blocks, [(GoldMatcher(gold), Label.NEWS)]), gold)
        yield from with_text_twins(doc, blocks)


# --------------------------------------------------------------------------- trafilatura evaluation pages


def trafilatura_page(root: Path, page_id: str) -> tuple[dict, str]:
    base = root / "trafilatura-eval"
    meta = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))[page_id]
    html = _read_gz(base / "pages" / f"{page_id}.html.gz")
    if html is None:
        raise InputError(f"{page_id}: not a text page")
    return meta, html


def trafilatura_labels(blocks: list[HtmlBlock], meta: dict, html: str) -> list[Labelled]:
    """with → news, comments → comments, without → a non-news weak label, the rest: the weak rules.

    Blocks that neither a snippet nor a rule covers stay ``default-boilerplate`` with label source
    ``weak``; training gives them no weight (nothing says they are not article text). A trafilatura
    extraction as news teacher was tried and dropped: the audit found it right only 80 % of the time.
    """
    news, comments, without = (SnippetMatcher(meta.get(key) or []) for key in ("with", "comments", "without"))
    out: list[Labelled] = []
    for block in blocks:
        text = block.paragraph.text
        if news.matches(text):
            out.append((Label.NEWS, GOLD, "snippet-with"))
        elif comments.matches(text):
            out.append((Label.COMMENTS, GOLD, "snippet-comments"))
        else:
            label, rule = weak_label(block.paragraph)
            out.append((label, WEAK, f"{WITHOUT_RULE}/{rule}" if without.matches(text) else rule))
    return out


def trafilatura_site(meta: dict, page_id: str) -> str:
    return site_of_url(meta.get("original_file", page_id).split("-")[0].removesuffix(".html"))


def build_trafilatura(root: Path, manual_dir: Path | None = None, split: str | None = None) -> Iterator[Doc]:
    base = root / "trafilatura-eval"
    evaldata = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    for page_id in sorted(evaldata):
        path = base / "pages" / f"{page_id}.html.gz"
        meta = evaldata[page_id]
        if not path.exists() or (split is not None and split_of(trafilatura_site(meta, page_id)) != split):
            continue
        html = _read_gz(path)
        if html is None:
            continue
        blocks = html_blocks(html)
        labelled = _with_manual(blocks, trafilatura_labels(blocks, meta, html), manual_dir, page_id)
        site = trafilatura_site(meta, page_id)
        lang = guess_language(" ".join(b.paragraph.text for b in blocks))
        doc = html_doc(f"trafilatura:{page_id}", site, lang, "trafilatura", blocks, labelled, None)
        yield from with_text_twins(doc, blocks)


def _with_manual(blocks: list[HtmlBlock], labelled: list[Labelled], manual_dir: Path | None, page_id: str) -> list[Labelled]:
    """The page's labels with its hand labels applied, if ``manual_dir`` holds a file for it."""
    manual = manual_dir / f"{page_id}.tsv" if manual_dir else None
    return apply_manual(blocks, labelled, manual) if manual is not None and manual.exists() else labelled


def apply_manual(blocks: list[HtmlBlock], labelled: list[Labelled], manual: Path) -> list[Labelled]:
    """Hand labels stored as ``label<TAB>text-hash`` (no corpus text in the repo) override the weak ones."""
    from .manual import hand_labels, text_key

    table = hand_labels(manual)
    hand = [table.get(text_key(b.paragraph.text)) for b in blocks]
    return [(label, MANUAL, "manual") if label is not None else lab for label, lab in zip(hand, labelled)]


# --------------------------------------------------------------------------- single-label text sources

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"])")


def _paragraphs_of(text: str, rng: random.Random) -> list[str]:
    """Split an article without paragraph breaks into paragraphs of 1–4 sentences."""
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    out: list[str] = []
    while sentences:
        take = rng.randint(1, 4)
        out.append(" ".join(sentences[:take]))
        sentences = sentences[take:]
    return out


def _text_doc(doc_id: str, site: str, lang: str, source: str, texts: list[str], label: Label, origin: str, rule: str, split: str = "") -> Doc:
    rows = [Row(text, label.value, origin, rule, i + 1, i + 1) for i, text in enumerate(texts) if text.strip()]
    return Doc(doc_id, site, lang, source, "text", rows, None, split)


def gnad_articles(root: Path) -> list[tuple[str, str]]:
    """(id, text) of the 10kGNAD articles."""
    out = []
    with (root / "10kGNAD-test" / "test.csv").open(encoding="utf-8") as handle:
        for index, row in enumerate(csv.reader(handle, delimiter=";", quotechar="'")):
            if len(row) >= 2 and row[1].strip():
                out.append((f"10kgnad:{index}", row[1]))
    return out


def build_gnad(root: Path) -> Iterator[Doc]:
    for doc_id, text in gnad_articles(root):
        rng = random.Random(zlib.crc32(doc_id.encode()))
        yield _text_doc(doc_id, _pseudo_site(doc_id), "de", "10kgnad", _paragraphs_of(text, rng), Label.NEWS, GOLD, "10kgnad-article")


def _pseudo_site(doc_id: str, group: int = 20) -> str:
    """Single-site sources get pseudo-sites of consecutive items, so the by-site split still holds some out."""
    prefix, _, number = doc_id.rpartition(":")
    return f"{prefix}-group{int(number) // group}" if number.isdigit() else doc_id


def build_germeval(root: Path) -> Iterator[Doc]:
    comments: list[str] = []
    for name in ("GermEval21_TrainData.csv", "GermEval21_TestData.csv"):
        with (root / "GermEval2021-comments" / "Data Sets" / name).open(encoding="utf-8") as handle:
            comments.extend(row["comment_text"] for row in csv.DictReader(handle))
    for start in range(0, len(comments), 8):
        doc_id = f"germeval:{start // 8}"
        yield _text_doc(doc_id, _pseudo_site(doc_id), "de", "germeval21", comments[start:start + 8], Label.COMMENTS, GOLD, "germeval-comment")


def build_turku(root: Path) -> Iterator[Doc]:
    base = root / "TurkuNLP-text-quality-annotations" / "text-quality-annotations"
    for lang in ("de", "en"):
        for part in ("train", "dev", "test"):
            path = base / lang / f"{part}.json"
            if not path.exists():
                continue
            for index, item in enumerate(json.loads(path.read_text(encoding="utf-8"))):
                rows = [
                    Row(" ".join(line.split()), (Label.NEWS if flag == "1" else Label.BOILERPLATE).value, GOLD, "turku-line", i + 1, i + 1)
                    for i, (line, flag) in enumerate(zip(item["text"], item["labels"])) if line.strip()
                ]
                if rows:
                    yield Doc(f"turku:{lang}:{part}:{index}", f"turku:{lang}:{part}:{index}", lang, "turku", "text", rows, None,
                              "test" if part == "test" else "train")


_SPAN = re.compile(r"\((\d+),\s*(\d+)\)")


def build_webis(root: Path) -> Iterator[Doc]:
    base = root / "webis-generated-native-ads-2024" / "Dataset"
    for part in ("validation", "test"):
        labels = {}
        for line in (base / f"responses-{part}-labels.jsonl").read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            labels[item["id"]] = item
        for line in (base / f"responses-{part}.jsonl").read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            info = labels.get(item["id"])
            if not info or info.get("label") != 1:
                continue
            match = _SPAN.match(str(info.get("sen_span", "")))
            if not match:
                continue
            start, end = int(match.group(1)), int(match.group(2))
            text = item["response"]
            pieces = [(text[:start], Label.NEWS), (text[start:end], Label.AD), (text[end:], Label.NEWS)]
            rows = [Row(" ".join(p.split()), lab.value, GOLD, f"webis-{lab.value}") for p, lab in pieces if len(p.split()) >= 3]
            if rows:
                yield Doc(f"webis:{item['id']}", f"webis:{item.get('meta_topic', 'x')}:{item['id'][:9]}", "en", "webis-native-ads", "text", rows, None)


# --------------------------------------------------------------------------- team-written German data


def build_team(data_dir: Path) -> Iterator[Doc]:
    """Paragraphs the team wrote (data/team/*.tsv); each ``# doc:`` group is one imagined site/page."""
    for path in sorted((data_dir / "team").glob("*.tsv")):
        for doc_id, items in read_labelled_file(path):
            rows = [Row(text, label.value, MANUAL, "team", i + 1, i + 1) for i, (label, text) in enumerate(items)]
            lang = "en" if path.stem.endswith("_en") else "de"
            site = doc_id.rsplit("-", 1)[0] if "-" in doc_id else doc_id
            yield Doc(f"team:{doc_id}", f"team:{site}", lang, "team", "text", rows, None)


AGENCY_SIGNOFFS = ("(dpa)", "(sda/dpa)", "(dab/sda/dpa)", "(APA)", "(AFP)", "(Reuters)", "(dpa/AFP)", "(red)", "(sda)",
                   "(APA/dpa)", "(KNA)", "(epd)", "(dpa-AFX)", "(mit Material von dpa)", "(sfa/sda)", "(ap/dpa)")
"""Agency credits that end an article body: news per LABELS.md (our own list)."""

TEAM_SOURCES = frozenset({"team", "synthetic-de"})
"""Sources written by the team: its lines and the synthetic pages built from them."""

SYNTHETIC_PAGES_PER_ARTICLE = 2

HEADING_POOLS = ("news:headline", "news:subheading")
"""Team-written headlines and sub-headings (news lines), pooled apart: the page puts them in their places."""

HEADLINE_SHARE = 0.85
"""Synthetic pages that open with a headline (10kGNAD articles have none of their own)."""

REPEATED_TITLE_SHARE = 0.3
"""Synthetic headlines shown twice, as a text dump of a page shows its ``<title>`` above the ``<h1>``: both are
the article's own title, so both are news (LABELS.md's hard cases)."""


def heading_pool(doc: Doc) -> bool:
    """A team group of headlines or sub-headings: it teaches in place, inside synthetic pages; as a bare
    list of short headline-like lines it would look exactly like a teaser box."""
    return bool(doc.rows) and all(row.label == Label.NEWS.value for row in doc.rows)


def team_lines(team_docs: Iterable[Doc]) -> list[Doc]:
    """The team-written groups that train and count as line collections (all but the heading pools)."""
    return [doc for doc in team_docs if not heading_pool(doc)]


def _pool_of(doc_id: str, label: str) -> str:
    """The pool a team line joins: its label, with news lines split into headlines and sub-headings."""
    if label != Label.NEWS.value:
        return label
    return HEADING_POOLS[0] if "-headline-" in doc_id else HEADING_POOLS[1]


def _heading(pools: dict[tuple[str, str], list[list[str]]], split: str, pool: str,
             rng: random.Random) -> list[tuple[str, Label]]:
    """One news line from a random group of a heading pool of the page's own split (none if it has none)."""
    groups = pools.get((split, pool))
    return [(rng.choice(rng.choice(groups)), Label.NEWS)] if groups else []


def build_synthetic(team_docs: list[Doc], articles: list[tuple[str, str]]) -> Iterator[Doc]:
    """German pages assembled from real news articles and team-written boxes in realistic page positions.

    They teach the context stage German layouts: navigation on top, a date line and photo credits under
    the headline, advertorials between body paragraphs, an agency sign-off, then donation/newsletter
    boxes, teaser boxes, galleries and comment widgets. A box is a contiguous run of one team-written
    group (one imagined site's box), so its lines belong together. Splits stay apart: a page uses team
    groups and an article of its own split only.
    """
    pools: dict[tuple[str, str], list[list[str]]] = {}
    for doc in team_docs:
        if doc.lang != "de":
            continue
        runs: dict[str, list[str]] = {}
        for row in doc.rows:
            runs.setdefault(_pool_of(doc.doc_id, row.label), []).append(row.text)
        for label, texts in runs.items():
            pools.setdefault((doc.split, label), []).append(texts)
    for doc_id, article in articles:
        split = split_of(_pseudo_site(doc_id))
        for copy in range(SYNTHETIC_PAGES_PER_ARTICLE):
            rng = random.Random(zlib.crc32(f"synthetic:{doc_id}:{copy}".encode()))

            def run(label: Label, low: int, high: int) -> list[tuple[str, Label]]:
                groups = pools.get((split, label.value), [])
                if not groups:
                    return []
                group = rng.choice(groups)
                size = min(len(group), rng.randint(low, high))
                first = rng.randint(0, len(group) - size)
                return [(text, label) for text in group[first:first + size]]

            def inline_ad() -> list[tuple[str, Label]]:
                candidates = [t for t, _ in run(Label.AD, 30, 30) if len(t) > 120]
                return [(rng.choice(candidates), Label.AD)] if candidates else []

            body = [(p, Label.NEWS) for p in _paragraphs_of(article, rng)]
            if len(body) < 3:
                continue
            for _ in range(rng.choice((0, 1, 1, 2))):
                for ad in inline_ad():
                    body.insert(rng.randint(2, len(body)), ad)
            if rng.random() < 0.5:
                body.append((rng.choice(AGENCY_SIGNOFFS), Label.NEWS))
            # headline and sub-headings come from their own random stream: the rest of the page stays as it was
            heads = random.Random(zlib.crc32(f"synthetic-heads:{doc_id}:{copy}".encode()))
            for _ in range(heads.choice((0, 0, 1, 2))):
                position = heads.randint(2, len(body))
                body[position:position] = _heading(pools, split, HEADING_POOLS[1], heads)
            headline = _heading(pools, split, HEADING_POOLS[0], heads) if heads.random() < HEADLINE_SHARE else []
            if headline and heads.random() < REPEATED_TITLE_SHARE:
                headline = headline * 2
            page = (run(Label.BOILERPLATE, 0, 5) + headline + body[:1] + run(Label.BOILERPLATE, 0, 2) + run(Label.CAPTION, 0, 2)
                    + body[1:])
            tail = [run(Label.AD, 1, 8), run(Label.TEASER, 2, 9), run(Label.COMMENTS, 0, 10), run(Label.CAPTION, 0, 5),
                    run(Label.BOILERPLATE, 0, 5)]
            rng.shuffle(tail)
            page += [item for group in tail for item in group]
            rows = [Row(" ".join(text.split()), label.value, MANUAL, "synthetic-page", i + 1, i + 1) for i, (text, label) in enumerate(page)]
            yield Doc(f"synthetic:{doc_id}:{copy}", _pseudo_site(doc_id), "de", "synthetic-de", "text", rows, None, split)


BUILDERS: dict[str, Callable[[Path], Iterator[Doc]]] = {
    "l3s": build_l3s,
    "dragnet": build_dragnet,
    "cleaneval": build_cleaneval,
    "wcxb": build_wcxb,
    "trafilatura": build_trafilatura,
    "germeval": build_germeval,
    "gnad": build_gnad,
    "turku": build_turku,
    "webis": build_webis,
}
