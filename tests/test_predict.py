import numpy as np

from classifier.predict import CONTEXT_OFFSETS, CONTEXT_WIDTH, context_features, own_scores, predict, predict_proba
from classifier.labels import LABELS, Label
from classifier.paragraph import Paragraph

from .conftest import PAGE


def test_context_features_see_neighbours():
    probabilities = np.array([[0.9, 0.1, 0, 0, 0, 0], [0.1, 0.9, 0, 0, 0, 0], [0.5, 0.5, 0, 0, 0, 0]])
    z = context_features(probabilities)
    k = len(LABELS)
    assert z.shape == (3, CONTEXT_WIDTH) and CONTEXT_WIDTH == len(CONTEXT_OFFSETS) * (k + 1)
    prev1 = slice(k + 1, k + 1 + k)  # offsets (-2, -1, 1, 2): the second block is -1
    assert np.allclose(z[1, prev1], probabilities[0]) and z[1, 2 * k + 1] == 1.0
    assert z[0, 2 * k + 1] == 0.0 and not z[0, prev1].any()  # the first paragraph has no previous neighbour
    assert np.allclose(own_scores(probabilities)[0], np.log(np.clip(probabilities[0], 1e-4, 1)))


def test_predict_labels_the_training_page(tiny_model):
    paragraphs = [Paragraph(text, i + 1, i + 1) for i, (_, text) in enumerate(PAGE)]
    labelled = predict(paragraphs, tiny_model)
    assert [p.label for p in labelled] == [label for label, _ in PAGE]
    assert all(abs(sum(p.scores) - 1) < 1e-3 for p in labelled)
    assert labelled[0].text == paragraphs[0].text and labelled[0].start_line == 1


def test_empty_input_predicts_nothing(tiny_model):
    assert predict([], tiny_model) == []
    assert predict_proba([], tiny_model).shape == (0, len(LABELS))


def test_huge_page_is_chunked_consistently(tiny_model, monkeypatch):
    paragraphs = [Paragraph(text, i + 1, i + 1) for i, (_, text) in enumerate(PAGE * 3)]
    whole = predict_proba(paragraphs, tiny_model)
    monkeypatch.setattr("classifier.predict.CHUNK_PARAGRAPHS", 5)
    chunked = predict_proba(paragraphs, tiny_model)
    assert np.allclose(whole, chunked)  # a page featurized in chunks gets exactly the same features
    assert Label.NEWS in {LABELS[i] for i in chunked.argmax(axis=1)}


def test_settling_drops_what_the_cleaned_page_would_drop_and_then_holds():
    """Seed 001 with the bundled model: on the full page every article paragraph is news; once the
    advertorials are gone, one of them reads as an advertorial. Settling drops it (labelled from its
    full-page probabilities, not kept), and the settled kept paragraphs, read back from the cleaned text,
    all stay kept."""
    from pathlib import Path

    from classifier.model import default_model
    from classifier.segment import segment_text

    text = (Path(__file__).resolve().parents[1] / "seeds" / "001_a39d696d3259fc17.txt").read_text(encoding="utf-8")
    paragraphs, keep = segment_text(text), {Label.NEWS}
    raw = predict(paragraphs, default_model())
    settled = predict(paragraphs, default_model(), keep)
    raw_kept = {i for i, p in enumerate(raw) if p.label in keep}
    settled_kept = {i for i, p in enumerate(settled) if p.label in keep}
    assert settled_kept < raw_kept  # a strict subset: settling did drop something here
    assert all(s.scores == r.scores for s, r in zip(settled, raw) if r.label not in keep)
    for i in raw_kept - settled_kept:
        full_page = dict(zip(LABELS, raw[i].scores))
        assert settled[i].label == max((label for label in LABELS if label not in keep), key=full_page.__getitem__)
    cleaned_text = "\n\n".join(paragraphs[i].text for i in sorted(settled_kept))
    assert all(p.label in keep for p in predict(segment_text(cleaned_text), default_model(), keep))
    assert all(p.label in keep for p in predict(segment_text(cleaned_text), default_model()))  # no further settling needed
