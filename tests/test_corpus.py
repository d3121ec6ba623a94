"""Corpus building on hand-written inputs: gold-text matching and the Dragnet gold split."""

from __future__ import annotations

import pytest

from training.corpus import GoldMatcher
from training.sources import split_dragnet_gold

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
