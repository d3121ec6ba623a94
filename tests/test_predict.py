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


def test_settled_labels_are_a_fixed_point(tiny_model):
    """With a keep set, the kept paragraphs read back from the cleaned text all stay kept; the settled
    kept set is a subset of the unsettled one; the paragraphs dropped on the full page are unchanged."""
    from classifier.segment import segment_text

    keep = {Label.NEWS}
    paragraphs = [Paragraph(text, i + 1, i + 1) for i, (_, text) in enumerate(PAGE * 2)]
    raw = predict(paragraphs, tiny_model)
    settled = predict(paragraphs, tiny_model, keep)
    kept = [p for p in settled if p.label in keep]
    cleaned_text = "\n\n".join(p.text for p in kept)
    assert kept and all(p.label in keep for p in predict(segment_text(cleaned_text), tiny_model))
    assert {i for i, p in enumerate(settled) if p.label in keep} <= {i for i, p in enumerate(raw) if p.label in keep}
    assert all(s.scores == r.scores for s, r in zip(settled, raw) if r.label not in keep)
