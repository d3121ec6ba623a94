"""Corpus building on hand-written inputs: gold-text matching, the Dragnet gold split, L3S's label mapping."""

from __future__ import annotations

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
