"""Shared fixtures: hand-written pages and a tiny model trained in-process (fast, independent of the bundle)."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.labels import Label
from classifier.paragraph import Paragraph
from classifier.train import TrainConfig, TrainDoc, fit

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

# Hand-written German page lines: (label, text). Written for these tests; no corpus text.
PAGE = [
    (Label.BOILERPLATE, "Startseite"),
    (Label.BOILERPLATE, "Politik"),
    (Label.NEWS, "Stadtrat beschliesst neues Velokonzept für die Innenstadt"),
    (Label.NEWS, "Der Stadtrat hat am Dienstag ein neues Konzept für den Veloverkehr verabschiedet. Es sieht breitere Wege und mehr Abstellplätze vor."),
    (Label.CAPTION, "Neue Velowege entlang der Seestrasse.Bild: keystone"),
    (Label.NEWS, "Die Kosten belaufen sich auf rund zwölf Millionen Franken. Die Bauarbeiten sollen im Frühling beginnen und zwei Jahre dauern."),
    (Label.AD, "Jetzt kostenlosen Ratgeber zur E-Bike-Versicherung herunterladen und beim Abschluss 20 Prozent sparen."),
    (Label.NEWS, "Kritik kam von der Opposition, die eine Gefährdung des Gewerbes befürchtet. Eine Abstimmung ist für den Herbst geplant."),
    (Label.TEASER, "Das könnte dich auch interessieren:"),
    (Label.TEASER, "Zur Story"),
    (Label.COMMENTS, "12 Kommentare"),
    (Label.COMMENTS, "Dein Kommentar"),
    (Label.BOILERPLATE, "Auf Facebook teilen"),
]


def page_doc(doc_id: str, rows: list[tuple[Label, str]] = PAGE, weight: float = 1.0) -> TrainDoc:
    return TrainDoc(doc_id, doc_id, tuple(Paragraph(t, i + 1, i + 1) for i, (_, t) in enumerate(rows)),
                    tuple(label for label, _ in rows), weight)


@pytest.fixture(scope="session")
def tiny_model():
    """A model trained on a few hand-written pages: enough to exercise every code path quickly."""
    docs = [page_doc(f"page-{i}") for i in range(4)]
    return fit(docs, TrainConfig(max_iter=60, folds=2), progress=lambda message: None)
