import numpy as np
import pytest

from classifier.predict import CONTEXT_OFFSETS, CONTEXT_WIDTH, context_features, predict, predict_proba
from classifier.labels import LABELS, Label
from classifier.paragraph import Paragraph

from .conftest import PAGE


def _page(*rows: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities (news share, rest on comments) and lengths of a hand-made page."""
    probabilities = np.zeros((len(rows), len(LABELS)))
    probabilities[:, 0] = [news for news, _ in rows]
    probabilities[:, LABELS.index(Label.COMMENTS)] = [1 - news for news, _ in rows]
    return probabilities, np.array([chars for _, chars in rows], dtype=float)


def test_context_features_see_own_scores_and_neighbours():
    probabilities, chars = _page((0.9, 400), (0.1, 30), (0.5, 80))
    z = context_features(probabilities, chars)
    k = len(LABELS)
    assert z.shape == (3, CONTEXT_WIDTH)
    assert np.allclose(z[0, :k], np.log(np.clip(probabilities[0], 1e-4, 1)))  # own log-probabilities first
    prev1 = slice(k + (k + 1), k + (k + 1) + k)  # offsets (-2, -1, 1, 2): the second block is -1
    assert np.allclose(z[1, prev1], probabilities[0]) and z[1, prev1.stop] == 1.0
    assert z[0, prev1.stop] == 0.0 and not z[0, prev1].any()  # the first paragraph has no previous neighbour
    own_length = CONTEXT_WIDTH - len(CONTEXT_OFFSETS) - 2
    assert z[2, own_length] == np.log1p(80)
    assert np.allclose(z[1, own_length + 1:own_length + 5], np.log1p([0, 400, 80, 0]))  # neighbours -2, -1, 1, 2


def test_context_features_place_comments_after_the_article():
    # nav line, headline, two long body paragraphs, then three comments
    probabilities, chars = _page((0.2, 20), (0.7, 60), (0.95, 600), (0.9, 500), (0.05, 200), (0.1, 300), (0.05, 100))
    z = context_features(probabilities, chars)
    news = CONTEXT_WIDTH - len(CONTEXT_OFFSETS) - 8  # the six news-region columns, then the lengths
    news_before, news_after, to_previous, to_next = z[:, news], z[:, news + 1], z[:, news + 3], z[:, news + 4]
    assert news_before[0] == 0 and news_after[-1] == 0 and np.all(np.diff(news_before) >= 0)
    assert news_before[4] > 0.9 and news_after[1] > 0.9  # comments follow the article, the headline precedes it
    assert to_previous[4] == np.log1p(1) and to_previous[6] == np.log1p(3)  # anchors: the two long body paragraphs
    assert to_next[0] == np.log1p(2) and to_next[4] == to_next[6] == np.log1p(len(chars)) + 1  # no anchor after


def test_context_features_tell_a_lone_headline_from_a_list_of_short_lines():
    # a headline above its lead, then a box of four short teaser lines, then a long paragraph
    probabilities, chars = _page((0.7, 60), (0.9, 400), (0.6, 70), (0.6, 80), (0.6, 65), (0.6, 90), (0.9, 300))
    short_run = context_features(probabilities, chars)[:, -1]
    assert np.allclose(short_run, np.log1p([1, 0, 4, 4, 4, 4, 0]))


def test_context_features_of_an_empty_page():
    assert context_features(np.zeros((0, len(LABELS))), np.zeros(0)).shape == (0, CONTEXT_WIDTH)


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
    monkeypatch.setattr("classifier.predict.CONTEXT_ROWS", 3)
    chunked = predict_proba(paragraphs, tiny_model)
    assert np.array_equal(whole, chunked)  # featurized and context-scored in blocks: exactly the same scores
    assert Label.NEWS in {LABELS[i] for i in chunked.argmax(axis=1)}


def _seed_000() -> tuple[list[Paragraph], list[Label]]:
    """Seed 000's paragraphs and their gold labels."""
    from pathlib import Path

    from classifier.labelsfile import read_labelled_file
    from classifier.segment import segment_text

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    [(_, items)] = read_labelled_file(seeds / "000_443880537494ab5b.labels.tsv")
    return segment_text((seeds / "000_443880537494ab5b.txt").read_text(encoding="utf-8")), [label for label, _ in items]


def test_settling_drops_what_the_cleaned_page_would_drop_and_then_holds():
    """Seed 000 with the bundled model: on the full page two lines are narrowly news, "DANKE FÜR DIE ♥" of the donation
    box and the gallery's slide text (0.12.0; on the page scraped from its 19th paragraph on, 0.9.0: "DANKE", the
    amounts, "5 CHF" …; 0.11.0: the donation pitch, the gallery's title and counter); on the cleaned page, among
    article paragraphs only, they are not.
    Settling drops them (labelled from their page probabilities, not kept), drops no gold news, and the settled
    kept paragraphs, read back from the cleaned text, all stay kept."""
    from classifier.model import default_model
    from classifier.segment import segment_text

    (paragraphs, gold), keep = _seed_000(), {Label.NEWS}
    assert len(paragraphs) == len(gold)
    raw = predict(paragraphs, default_model())
    settled = predict(paragraphs, default_model(), keep)
    raw_kept = {i for i, p in enumerate(raw) if p.label in keep}
    settled_kept = {i for i, p in enumerate(settled) if p.label in keep}
    assert settled_kept < raw_kept  # a strict subset: settling did drop something here
    assert all(gold[i] is not Label.NEWS for i in raw_kept - settled_kept)
    assert all(s.scores == r.scores for s, r in zip(settled, raw) if r.label not in keep)
    for i in raw_kept - settled_kept:
        full_page = dict(zip(LABELS, raw[i].scores))
        assert settled[i].label == max((label for label in LABELS if label not in keep), key=full_page.__getitem__)
    cleaned_text = "\n\n".join(paragraphs[i].text for i in sorted(settled_kept))
    assert all(p.label in keep for p in predict(segment_text(cleaned_text), default_model(), keep))
    assert all(p.label in keep for p in predict(segment_text(cleaned_text), default_model()))  # no further settling needed


def test_context_stage_pools_own_evidence_at_the_models_weight(tiny_model):
    """Weight 1 is the paragraph's own first-stage evidence alone; weight 0 the trees alone."""
    from dataclasses import replace

    from classifier.predict import context_stage

    own = np.array([[0.7, 0.1, 0.1, 0.05, 0.03, 0.02], [0.02, 0.9, 0.02, 0.02, 0.02, 0.02], [0.2, 0.2, 0.2, 0.2, 0.1, 0.1]])
    chars = np.array([300.0, 80.0, 20.0])
    alone = context_stage(own, chars, replace(tiny_model, context_own_weight=1.0))
    assert np.allclose(alone, own / own.sum(axis=1, keepdims=True))
    trees = tiny_model.context.raw_scores(context_features(own, chars))
    assert np.allclose(context_stage(own, chars, replace(tiny_model, context_own_weight=0.0)),
                       np.exp(trees) / np.exp(trees).sum(axis=1, keepdims=True))


def test_evaluation_scores_the_settled_labels_unless_asked_for_the_full_page_ones():
    from classifier.evaluate import labels_of
    from classifier.model import default_model

    paragraphs, _ = _seed_000()
    settled = labels_of(paragraphs, default_model())
    assert settled == [p.label for p in predict(paragraphs, default_model(), {Label.NEWS})]
    full_page = labels_of(paragraphs, default_model(), settled=False)
    assert full_page == [p.label for p in predict(paragraphs, default_model())] != settled


@pytest.mark.parametrize("extra", [-27, 10])
def test_settling_is_bounded_on_a_page_that_sheds_one_paragraph_per_round(tiny_model, monkeypatch, extra):
    """A context stage that reads the last paragraph of any page as its footer peels one per round: below
    the cap settling reaches the fixed point (nothing kept), above it stops after MAX_SETTLE_ROUNDS rounds."""
    import classifier.predict as predict_module

    cap = predict_module.MAX_SETTLE_ROUNDS
    n = cap + extra
    news, footer = (np.eye(len(LABELS))[LABELS.index(label)] for label in (Label.NEWS, Label.BOILERPLATE))
    calls = []

    def peeling_context_stage(own, chars, model):
        calls.append(len(own))
        out = np.tile(news, (len(own), 1))
        out[-1] = footer
        return out

    monkeypatch.setattr(predict_module, "context_stage", peeling_context_stage)
    full_page = np.tile(news, (n, 1))
    settled = predict_module.settle(np.full(n, 200.0), np.zeros((n, len(LABELS))), np.zeros((n, len(tiny_model.dense_mean))),
                                    full_page, {Label.NEWS}, tiny_model)
    kept = settled.argmax(axis=1) == LABELS.index(Label.NEWS)
    assert calls == list(range(n, max(0, n - cap), -1))  # one round per paragraph shed, at most `cap`
    assert kept.sum() == max(0, n - cap) and kept[:max(0, n - cap)].all()


def test_a_paragraph_is_kept_when_the_kept_labels_together_are_likelier_than_not(tiny_model, monkeypatch):
    """News at 0.45 against boilerplate 0.30 and teaser 0.25 is more likely furniture: dropped, and labelled by its
    likeliest other label with the others renormalized. With caption kept too, news 0.3 + caption 0.3 is kept."""
    import classifier.predict as predict_module

    monkeypatch.setattr(predict_module, "context_stage", lambda own, chars, model: np.tile(np.eye(len(LABELS))[0], (len(own), 1)))
    assert [label.value for label in LABELS] == ["news", "ad", "comments", "caption", "teaser", "boilerplate"]  # the columns
    full_page = np.array([[0.45, 0, 0, 0, 0.25, 0.30], [0.3, 0, 0, 0.3, 0, 0.4], [0.6, 0.1, 0, 0, 0, 0.3]])

    def settle(keep: set[Label]) -> np.ndarray:
        n = len(full_page)
        return predict_module.settle(np.full(n, 200.0), np.zeros((n, len(LABELS))), np.zeros((n, len(tiny_model.dense_mean))),
                                     full_page, keep, tiny_model)

    news_only = settle({Label.NEWS})
    assert np.allclose(news_only[0], [0, 0, 0, 0, 0.25 / 0.55, 0.30 / 0.55])
    assert LABELS[news_only[1].argmax()] is Label.BOILERPLATE and np.allclose(news_only[2], full_page[2])
    with_captions = settle({Label.NEWS, Label.CAPTION})
    assert np.allclose(with_captions[1], [0.5, 0, 0, 0.5, 0, 0])  # kept, so its likeliest label must be a kept one
    assert LABELS[with_captions[0].argmax()] is Label.BOILERPLATE
