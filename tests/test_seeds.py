"""Golden tests on the two seed pages with the bundled model (labels in seeds/*.labels.tsv, by hand)."""

from pathlib import Path

import pytest

from classifier import classify, clean
from classifier.labels import Label
from classifier.labelsfile import read_labelled_file

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
NAMES = ["000_443880537494ab5b", "001_a39d696d3259fc17"]
SEED_000_FURNITURE = [
    "Digital", "Wirtschaft", "Amazon-Chef Jeff Bezos.Bild: keystone", "5 CHF", "15 CHF", "25 CHF", "Anderer",
    "Oder unterstütze uns per Banküberweisung.", "DANKE FÜR DIE ♥", "(Du wirst umgeleitet, um die Zahlung abzuschliessen.)",
    "1 / 9", "Warum der KI-Boom böse enden könnte",
    "Würdest du gerne watson und unseren Journalismus unterstützen? Mehr erfahren",
    "quelle: keystone / mark schiefelbein", "Auf Facebook teilenAuf X teilen", "Video: watson",
    "Du hast uns was zu sagen?", "5 Kommentare", "Dein Kommentar", "0 / 600", "Hier gehts zu den Kommentarregeln.",
    "Das könnte dich auch noch interessieren:", "Seltene Riesenqualle gefilmt – sie wird so gross wie ein Bus", "Zur Story",
]
"""Navigation, credits, donation box, gallery counter, share line, feedback box, comments widget, teasers.
Since 0.12.0 every line of both seeds is kept or dropped as labelled (the date line under the lead was the known
miss until then; the issue does not list it as page furniture). (Until 0.11.0 the donation box's redirect note was
kept too. 0.6's model dropped the date line but kept "5 CHF". Until 0.8.0 the shorter of the two title lines was
dropped; 0.9.0 keeps both. Until 0.9.0 the donation box's "DANKE FÜR DIE ♥" and the gallery slide text were kept
too.)"""
SEED_000_TEASER_SNIPPET = "Neben der Software-Entwicklung und juristischen Dienstleistungen"
SEED_000_AGENCY_CAPTION = "epa12509549 Amazon founder Jeff Bezos"
SEED_000_GALLERY_TEXT = "Er gehört zu den Hauptverantwortlichen für den aktuellen KI-"


def gold(name):
    [(_, items)] = read_labelled_file(SEEDS / f"{name}.labels.tsv")
    return items


def cleaned(name):
    return clean((SEEDS / f"{name}.txt").read_text(encoding="utf-8")).split("\n\n")


@pytest.mark.parametrize("name", NAMES)
def test_gold_labels_align_with_segmentation(name):
    paragraphs = classify((SEEDS / f"{name}.txt").read_bytes())
    assert [p.text for p in paragraphs] == [text for _, text in gold(name)]


def test_seed_001_loses_both_advertorials_and_keeps_the_body():
    items = gold("001_a39d696d3259fc17")
    kept = cleaned("001_a39d696d3259fc17")
    news = [text for label, text in items if label is Label.NEWS]
    assert not any("Kostenlosen KI-Umsetzungsleitfaden herunterladen" in p or p.startswith("PS: Wenn Ihr Unternehmen") for p in kept)
    assert kept == news  # every news paragraph, in order


def test_seed_001_labels_every_paragraph_right_on_the_full_page():
    items = gold("001_a39d696d3259fc17")
    paragraphs = classify((SEEDS / "001_a39d696d3259fc17.txt").read_bytes(), keep=None)
    assert [p.label for p in paragraphs] == [label for label, _ in items]


def test_seed_000_keeps_lead_and_body():
    kept = cleaned("000_443880537494ab5b")
    body = [text for label, text in gold("000_443880537494ab5b") if label is Label.NEWS and len(text) > 100]
    assert len(body) == 11 and all(text in kept for text in body)
    assert kept[:2] == ["Amazon wettet voll auf KI – Investitionen von 200 Milliarden Dollar",  # the page title
                        "Amazon wettet voll auf KI – kündigt Investitionen von 200 Milliarden Dollar an"]  # the headline


def test_seed_000_drops_the_page_furniture():
    kept = cleaned("000_443880537494ab5b")
    assert [text for text in SEED_000_FURNITURE if text in kept] == []
    assert not any(text.startswith((SEED_000_TEASER_SNIPPET, SEED_000_AGENCY_CAPTION, SEED_000_GALLERY_TEXT)) for text in kept)


@pytest.mark.parametrize("name", NAMES)
def test_cleaned_text_is_exactly_the_article(name):
    assert cleaned(name) == [text for label, text in gold(name) if label is Label.NEWS]


def test_seed_000_label_agreement_floors():
    items = gold("000_443880537494ab5b")
    predicted = [p.label for p in classify((SEEDS / "000_443880537494ab5b.txt").read_bytes())]
    keep = sum((p is Label.NEWS) == (g is Label.NEWS) for p, (g, _) in zip(predicted, items)) / len(items)
    assert keep == 1.0, keep  # the keep-or-drop decision: every paragraph since 0.12.0 (0.11: 49 of 50; 0.10.0: 48)
    agreement = sum(p == g for p, (g, _) in zip(predicted, items)) / len(items)
    assert agreement >= 0.86, agreement  # all six labels: pinned at 0.88 (44 of 50; 0.11: 41) less one paragraph; most misses are
    # between kinds of furniture (gallery captions as teasers, the feedback box as comments), which cleaning drops alike


def test_favoring_precision_keeps_less_and_recall_more():
    """The keep decision's odds (2 : 1, 1 : 1, 1 : 2) nest on the seeds, and the knob does something (on seed 000:
    seed 001's paragraphs are all far from the line)."""
    counts = []
    for name in NAMES:
        source = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
        kept = {favor: set(clean(source, favor=favor).split("\n\n")) for favor in ("precision", "balanced", "recall")}
        assert kept["precision"] <= kept["balanced"] <= kept["recall"]
        counts.append((len(kept["precision"]), len(kept["recall"])))
    assert sum(p for p, _ in counts) < sum(r for _, r in counts)
