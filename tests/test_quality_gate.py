"""The quality gate: the bundled model's held-out metrics must not drop below the pinned floors."""

import json

import pytest

from training.corpus import corpora_dir
from training.quality_gate import EPSILON, FLOORS, failures, gate_metrics

CORPORA = corpora_dir()


def test_floor_comparison_logic():
    assert failures({"a": 0.80}, {"a": 0.80}) == []
    assert failures({"a": 0.80 - EPSILON / 2}, {"a": 0.80}) == []
    assert failures({"a": 0.70}, {"a": 0.80}) == [f"a: 0.7000 < floor 0.8000 - {EPSILON}"]
    assert failures({}, {"a": 0.5})  # a metric that disappears fails too


@pytest.mark.skipif(not (CORPORA / "L3S-GN1").exists(), reason="the corpora folder (CORPORA_DIR) is not available")
def test_bundled_model_meets_pinned_floors():
    from classifier.model import default_model

    floors = json.loads(FLOORS.read_text())
    assert {"text.macro_f1", "text.keep_news_f1", "html.macro_f1", "text.de.macro_f1"} <= set(floors)
    problems = failures(gate_metrics(default_model(), CORPORA), floors)
    assert not problems, problems


def test_held_out_report_keeps_the_teams_data_apart_from_the_corpora():
    """Team-written lines and synthetic pages score in their own slice: gains there are not real-page gains."""
    from classifier.model import default_model
    from training.corpus import MANUAL, Doc, Row
    from training.evaluate_heldout import score_docs

    article = [Row("Die Stadt baut eine neue Brücke über die Elbe, die 2027 fertig sein soll, teilte die Verwaltung mit.",
                   "news", MANUAL), Row("Foto: Max Muster", "caption", MANUAL)]
    docs = [Doc("real", "example.org", "de", "trafilatura", "text", article),
            Doc("synthetic:x:0", "x", "de", "synthetic-de", "text", article),
            Doc("team:y", "team:y", "de", "team", "text", article[1:])]
    report = score_docs(docs, default_model(), with_justext=False)["paragraph"]
    assert report["mode=text/lang=de/data=corpora"]["paragraphs"] == 2
    assert report["mode=text/lang=de/data=team"]["paragraphs"] == 3
    assert report["mode=text/lang=de"]["paragraphs"] == 5


def test_held_out_report_scores_justext_on_the_same_paragraphs(monkeypatch):
    """keep(news) of jusText and of keeping everything count the same trusted paragraphs as the model's."""
    from classifier.model import default_model
    from training import evaluate_heldout
    from training.corpus import MANUAL, Doc, Row

    rows = [Row("Die Stadt baut eine neue Brücke über die Elbe, die 2027 fertig sein soll, teilte die Verwaltung mit.",
                "news", MANUAL), Row("Foto: Max Muster", "caption", MANUAL), Row("Mehr zum Thema", "teaser", MANUAL),
            Row("Teilen", "boilerplate", "weak", "cls-teaser")]  # untrusted rule: counts for nobody
    monkeypatch.setattr(evaluate_heldout, "justext_keep", lambda texts, lang: [t.startswith(("Die", "Foto")) for t in texts])
    report = evaluate_heldout.score_docs([Doc("real", "example.org", "de", "trafilatura", "text", rows)], default_model())
    text = report["paragraph"]["mode=text"]
    assert text["keep_news"]["paragraphs"] == text["keep_news_justext"]["paragraphs"] == 3
    assert text["keep_news_justext"]["precision"] == 0.5 and text["keep_news_justext"]["recall"] == 1.0
    assert text["keep_news_everything"]["precision"] == 1 / 3
    assert "keep_news_justext" not in report["paragraph"]["all"]  # "all" would mix in HTML documents
    monkeypatch.setattr(evaluate_heldout, "MIN_REPORTED_PARAGRAPHS", 1)
    assert "| mode=text | 3 | " in evaluate_heldout.markdown(report, "t").split("next to jusText")[1]
    assert text["keep_news_precision"]["paragraphs"] == text["keep_news_recall"]["paragraphs"] == 3  # the other keep modes
    assert "keep_news_precision" not in report["paragraph"]["all"]
    assert "| mode=text | " in evaluate_heldout.markdown(report, "t").split("by keep mode")[1]
