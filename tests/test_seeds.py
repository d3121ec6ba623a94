"""Golden tests on the two seed pages with the bundled model (labels in seeds/*.labels.tsv, by hand)."""

from pathlib import Path

import pytest

from classifier import classify, clean
from classifier.labels import Label
from classifier.labelsfile import read_labelled_file

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
NAMES = ["000_443880537494ab5b", "001_a39d696d3259fc17"]


def gold(name):
    [(_, items)] = read_labelled_file(SEEDS / f"{name}.labels.tsv")
    return items


@pytest.mark.parametrize("name", NAMES)
def test_gold_labels_align_with_segmentation(name):
    paragraphs = classify((SEEDS / f"{name}.txt").read_bytes())
    assert [p.text for p in paragraphs] == [text for _, text in gold(name)]


def test_seed_001_loses_both_advertorials_and_keeps_every_news_paragraph():
    items = gold("001_a39d696d3259fc17")
    cleaned = clean((SEEDS / "001_a39d696d3259fc17.txt").read_text(encoding="utf-8"))
    kept = cleaned.split("\n\n")
    assert kept == [text for label, text in items if label is Label.NEWS]
    assert "Kostenlosen KI-Umsetzungsleitfaden herunterladen" not in cleaned
    assert "PS: Wenn Ihr Unternehmen" not in cleaned


def test_seed_000_keeps_the_article_and_drops_the_page_furniture():
    items = gold("000_443880537494ab5b")
    cleaned = clean((SEEDS / "000_443880537494ab5b.txt").read_text(encoding="utf-8")).split("\n\n")
    news = [text for label, text in items if label is Label.NEWS]
    # headline, lead and body are kept …
    for text in news:
        assert text in cleaned, text
    # … navigation, credits, donation box, gallery, share line, feedback box, comments and teasers are not
    for text in ["Digital", "Amazon-Chef Jeff Bezos.Bild: keystone", "5 CHF", "1 / 9", "quelle: keystone / mark schiefelbein",
                 "Auf Facebook teilenAuf X teilen", "Du hast uns was zu sagen?", "Dein Kommentar", "0 / 600", "Zur Story",
                 "Das könnte dich auch noch interessieren:", "Würdest du gerne watson und unseren Journalismus unterstützen? Mehr erfahren"]:
        assert text not in cleaned, text
    assert cleaned == news  # exactly the article


@pytest.mark.parametrize("name", NAMES)
def test_seed_labels_per_paragraph(name):
    items = gold(name)
    predicted = [p.label for p in classify((SEEDS / f"{name}.txt").read_bytes())]
    agreement = sum(p == g for p, (g, _) in zip(predicted, items)) / len(items)
    assert agreement >= 0.8, [(g.value, p.value, t[:40]) for p, (g, t) in zip(predicted, items) if p != g]
