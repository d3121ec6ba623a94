"""Corpus building on hand-written inputs: gold-text matching, the Dragnet gold split, L3S's label mapping."""

from __future__ import annotations

import json

import pytest

from classifier.labels import Label
from classifier.segment import html_blocks
from training.corpus import GOLD as GOLD_ORIGIN
from training.corpus import WEAK, Doc, GoldMatcher, Row, fine_known, trusted
from training.sources import _l3s_label, split_dragnet_gold

GOLD = (
    "Die Stadt plant einen neuen \u201eRadweg\u201c entlang der Elbe \u2013 er soll 2027 fertig sein.\n"
    "Kurz\n"
)


@pytest.mark.parametrize("block", [
    "Die  Stadt plant einen neuen \"Radweg\" entlang\nder Elbe - er soll 2027 fertig sein.",
    "Die Stadt plant einen neuen \u00bbRad\u00adweg\u00ab entlang der Elbe \u2014 er soll 2027 fertig sein.",
    "DIE STADT PLANT EINEN NEUEN RADWEG ENTLANG DER ELBE, ER SOLL 2027 FERTIG SEIN",
])
def test_gold_matching_survives_whitespace_quotes_dashes_and_soft_hyphens(block: str) -> None:
    assert GoldMatcher(GOLD).matches(block)


def test_gold_matching_rejects_other_text_and_partial_short_lines() -> None:
    matcher = GoldMatcher(GOLD)
    assert not matcher.matches("Die Stadt plant einen neuen Parkplatz am Rathaus, er kostet 2 Millionen Euro.")
    assert matcher.matches("Kurz")
    assert not matcher.matches("Kurz gesagt")


@pytest.mark.parametrize("separator", [
    "!@#$%^&*()  COMMENTS", "!@#$%^&*() COMMENTS", "@#$%^&*() COMMENTS", "!@ $%^&*()  COMMENTS",
    "  #$%^&*()  COMMENTS", "!@#$%^&**()  COMMENTS", "!@#$%^&*()  \tCOMMENTS",
])
def test_dragnet_gold_splits_at_every_spelling_of_the_comment_separator(separator: str) -> None:
    article, comments = split_dragnet_gold(f"Title\n\nBody text.\n\n{separator}\n\nFirst comment.\nSecond.\n")
    assert article == "Title\n\nBody text."
    assert comments == "First comment.\nSecond.\n"


def test_dragnet_gold_splits_with_windows_line_ends() -> None:
    article, comments = split_dragnet_gold("Title\r\n\r\nBody text.\r\n!@#$%^&*()  COMMENTS\r\n\r\nFirst comment.\r\n")
    assert article == "Title\n\nBody text."
    assert comments == "First comment.\n"


def test_dragnet_gold_without_separator_is_all_article() -> None:
    gold = "Title\n\nWe read 10 COMMENTS on this & more!\n"
    assert split_dragnet_gold(gold) == (gold, "")


L3S_PAGE = """<html><body><div class="article">
<p data-gold="2">The council voted on Tuesday to close the old bridge for repairs until the spring.</p>
<div class="photo"><span data-gold="3">Workers inspect the bridge on Monday.</span></div>
<div class="storyphotocredit"><span data-gold="3">Jamal Saidi/Reuters</span></div>
<p data-gold="3">Photo by Mark Jones</p>
<p class="byline-image"><span data-gold="3">By Jane Miller</span></p>
<p data-gold="3">Copyright 2008 The Associated Press. All rights reserved.</p>
<div class="topics"><span data-gold="3">Filed under: Politics, Transport</span></div>
<div class="author image"><span data-gold="3">Staff writer of the Daily Herald</span></div>
</div></body></html>"""


def test_l3s_supplemental_blocks_are_captions_only_in_picture_containers_or_with_a_photo_credit() -> None:
    labelled = [(b.paragraph.text, *_l3s_label(b)[::2]) for b in html_blocks(L3S_PAGE, mark_attribute="data-gold")]
    assert labelled == [
        ("The council voted on Tuesday to close the old bridge for repairs until the spring.", Label.NEWS, "l3s-sel2"),
        ("Workers inspect the bridge on Monday.", Label.CAPTION, "l3s-sel3-caption"),
        ("Jamal Saidi/Reuters", Label.CAPTION, "l3s-sel3-caption"),
        ("Photo by Mark Jones", Label.CAPTION, "l3s-sel3-caption"),
        ("By Jane Miller", Label.BOILERPLATE, "l3s-sel3-dateline"),
        ("Copyright 2008 The Associated Press. All rights reserved.", Label.BOILERPLATE, "l3s-sel3-other"),
        ("Filed under: Politics, Transport", Label.BOILERPLATE, "l3s-sel3-other"),
        ("Staff writer of the Daily Herald", Label.BOILERPLATE, "l3s-sel3-other"),
    ]


@pytest.mark.parametrize(("source", "row", "known"), [
    ("turku", Row("Jetzt als Amazon Blitzangebot", "boilerplate", GOLD_ORIGIN, "turku-line"), False),  # noise: not article
    ("turku", Row("Die Stadt baut eine neue Brücke.", "news", GOLD_ORIGIN, "turku-line"), True),
    ("trafilatura", Row("Zum Newsletter anmelden", "boilerplate", WEAK, "snippet-without/default-boilerplate"), False),
    ("trafilatura", Row("Anzeige", "ad", WEAK, "snippet-without/text-ad-marker"), True),  # an audited rule vouches
    ("dragnet", Row("Home", "boilerplate", WEAK, "default-boilerplate"), False),
    ("l3s-gn1", Row("Home", "boilerplate", GOLD_ORIGIN, "l3s-not-content"), True),
])
def test_not_article_without_a_kind_teaches_only_not_news(source, row, known):
    doc = Doc("d", "example.org", "de", source, "html", [row])
    assert trusted(doc, row)
    assert fine_known(doc, row) is known


def test_hand_labels_override_weak_labels_by_text_key_whitespace_and_all(tmp_path) -> None:
    from training.manual import text_key
    from training.sources import apply_manual

    blocks = html_blocks("<nav><a href='/'>Start</a></nav><p>Mehr zum Thema</p><p>Der Rat tagt  am Montag.</p>")
    weak = [(Label.BOILERPLATE, WEAK, "default-boilerplate")] * len(blocks)
    sheet = tmp_path / "p9999.tsv"
    sheet.write_text(f"# hand labels\nteaser\t{text_key('Mehr zum  Thema')}\nnews\t{text_key('Der Rat tagt am Montag.')}\n")
    labelled = apply_manual(blocks, weak, sheet)
    assert [label for label, _, _ in labelled] == [Label.BOILERPLATE, Label.TEASER, Label.NEWS]
    assert [origin for _, origin, _ in labelled] == [WEAK, "manual", "manual"]


def test_stored_hand_labels_go_to_their_sources_folder_as_keys_only(tmp_path, monkeypatch) -> None:
    from training import manual

    monkeypatch.setattr(manual, "MANUAL_ROOT", tmp_path / "manual")
    edited = tmp_path / "edited.tsv"
    edited.write_text("# doc: dragnet:R1\n# split: train\nnews\tThe council met on Monday.\nteaser\tMore stories\n")
    target = manual.store(edited)
    assert target == tmp_path / "manual" / "dragnet" / "R1.tsv"
    assert manual.hand_labels(target) == {manual.text_key("The council met on Monday."): Label.NEWS,
                                          manual.text_key("More stories"): Label.TEASER}
    assert "council" not in target.read_text()
    edited.write_text("# doc: p0001\nnews\tDer Rat tagt.\n")  # the first round's files have bare trafilatura ids
    assert manual.store(edited) == tmp_path / "manual" / "trafilatura" / "p0001.tsv"
    edited.write_text("# doc: cleaneval:x:1\nnews\tText.\n")
    with pytest.raises(ValueError, match="cleaneval"):
        manual.store(edited)


def test_every_committed_hand_label_file_names_a_known_label_and_a_text_key() -> None:
    from training.manual import HAND_LABELLED_SOURCES, hand_labels, manual_dir

    files = sorted(manual_dir("trafilatura").glob("p*.tsv"))
    assert len(files) >= 90
    dragnet = sorted(manual_dir("dragnet").glob("*.tsv"))
    assert len(dragnet) >= 12 and set(HAND_LABELLED_SOURCES) == {"trafilatura", "dragnet"}
    files += dragnet
    for path in files:
        table = hand_labels(path)  # raises on a label outside the six
        assert table, path
        assert all(len(key) == 12 and int(key, 16) >= 0 for key in table), path


def test_synthetic_pages_show_some_headlines_twice_and_label_both_news() -> None:
    """A text dump shows the page's <title> above its <h1>: both are the article's own title (LABELS.md)."""
    from training.corpus import MANUAL
    from training.sources import build_synthetic

    def team(doc_id: str, label: str, texts: list[str], split: str) -> Doc:
        return Doc(doc_id, doc_id, "de", "team", "text", [Row(t, label, MANUAL) for t in texts], None, split)

    headlines = [f"Stadtrat beschließt Haushalt Nummer {i}" for i in range(8)]
    team_docs = [doc for split in ("train", "test") for doc in (
        team(f"team:news-headline-{split}", "news", headlines, split),
        team(f"team:boilerplate-{split}", "boilerplate", ["Startseite", "Politik", "Wirtschaft"], split),
        team(f"team:teaser-{split}", "teaser", ["Mehr zum Thema", "Das könnte Sie auch interessieren"], split))]
    article = " ".join(f"Der Rat hat am Montag über den Plan Nummer {i} beraten und ihn angenommen." for i in range(6))
    pages = list(build_synthetic(team_docs, [(f"10kgnad:{i}", article) for i in range(40)]))
    repeated = [page for page in pages if any(a.text == b.text and a.text in headlines for a, b in zip(page.rows, page.rows[1:]))]
    assert 0 < len(repeated) < len(pages)
    for page in repeated:
        assert all(row.label == "news" for row in page.rows if row.text in headlines)


def test_cleaneval_builds_only_article_pages_and_pages_the_type_file_does_not_name(tmp_path) -> None:
    """A forum thread's gold is every post (comments to us), so typed non-article pages are left out."""
    import gzip

    from training.sources import build_cleaneval, page_types

    base = tmp_path / "cleaneval" / "cleaneval-final"
    (base / "GoldStandard").mkdir(parents=True)
    (base / "input").mkdir()
    body = "Der Rat hat am Montag über den neuen Radweg entlang der Elbe beraten und ihn angenommen."
    for stem in ("1", "2", "3"):
        (base / "GoldStandard" / f"{stem}.txt").write_text(f"URL: http://site{stem}.example/a\n<p>{body}\n")
        page = f'<text id="http://site{stem}.example/a"><html><body><p>Startseite</p><p>{body}</p></body></html></text>'
        (base / "input" / f"{stem}.html.gz").write_bytes(gzip.compress(page.encode()))
    types = tmp_path / "types.tsv"
    types.write_text("cleaneval-final:1\tarticle\tessay\ncleaneval-final:2\tforum\tthread of posts\n")
    built = {doc.doc_id.split("#")[0] for doc in build_cleaneval(tmp_path, types)}
    assert built == {"cleaneval:cleaneval-final:1", "cleaneval:cleaneval-final:3"}
    types.write_text("cleaneval-final:1\tnews\tnot a page type\n")
    with pytest.raises(ValueError, match="unknown page type"):
        page_types(types)


def _cell_review(tmp_path, sizes: dict[str, int], reviewed: dict[str, list[str]]):
    from training import audit

    lines = [f"x{cell}{i}\t{cell}\t{verdict}\n" for cell, verdicts in reviewed.items() for i, verdict in enumerate(verdicts)]
    path = tmp_path / "verdicts_roundx.tsv"
    path.write_text(f"# id\tcell\tverdict (sizes: {json.dumps(sizes)}; model 0)\n" + "".join(lines), encoding="utf-8")
    return audit.keep_estimate(path)["all"]


def test_keep_re_estimate_equals_the_labelled_score_when_the_review_agrees(tmp_path) -> None:
    sizes = {"wcxb/gold-news/kept": 80, "wcxb/gold-news/dropped": 20, "wcxb/gold-not/kept": 20, "wcxb/gold-not/dropped": 880}
    agree = {cell: ["news" if "gold-news" in cell else "boilerplate"] * 4 for cell in sizes}
    result = _cell_review(tmp_path, sizes, agree)
    assert result["labelled_f1"] == pytest.approx(0.8) and result["reviewed_f1"] == pytest.approx(0.8)
    assert result["f1_low"] == result["f1_high"] == pytest.approx(0.8)  # nothing to resample


def test_keep_re_estimate_scales_each_cells_reviewed_share_to_its_size(tmp_path) -> None:
    """Half the kept "not article" rows are article text and half the dropped "news" rows are not: precision rises
    from 80/100 to 90/100; article text is 80 + 10 + 10 = 100 rows, 90 of them kept (recall 0.9)."""
    sizes = {"wcxb/gold-news/kept": 80, "wcxb/gold-news/dropped": 20, "wcxb/gold-not/kept": 20, "wcxb/gold-not/dropped": 880}
    review = {"wcxb/gold-news/kept": ["news"] * 4, "wcxb/gold-news/dropped": ["news", "teaser"] * 2,
              "wcxb/gold-not/kept": ["news", "ad"] * 2, "wcxb/gold-not/dropped": ["boilerplate"] * 4}
    result = _cell_review(tmp_path, sizes, review)
    assert (result["reviewed_p"], result["reviewed_r"]) == (pytest.approx(0.9), pytest.approx(0.9))
    assert result["f1_low"] <= 0.9 <= result["f1_high"]
