"""Properties of the whole pipeline (hypothesis): never crashes, output is input paragraphs in order,
deterministic, and cleaning cleaned text keeps it."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifier import classify, clean
from classifier.segment import segment_text

from .conftest import PAGE

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
lines = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
documents = st.lists(lines, max_size=30).map("\n".join)
# realistic pages: the article's body paragraphs in order, with page furniture (any hand-written line of
# PAGE, repeated or not) inserted anywhere, and blank lines or not between lines
BODY = [text for label, text in PAGE if label.value == "news" and len(text) > 80]
furniture = st.lists(st.tuples(st.integers(0, len(BODY)), st.sampled_from([text for _, text in PAGE])), max_size=15)


def _page(inserts: list[tuple[int, str]], blanks: list[bool]) -> str:
    lines = list(BODY)
    for position, line in sorted(inserts, key=lambda item: -item[0]):
        lines.insert(position, line)
    return "\n".join(line + ("\n" if blank else "") for line, blank in zip(lines, blanks + [False] * len(lines)))


pages = st.builds(_page, furniture, st.lists(st.booleans(), max_size=20))


@SETTINGS
@given(documents)
def test_any_text_is_handled(text):
    result = clean(text)
    assert isinstance(result, str)


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_either_clean_or_raise_input_error(data):
    from classifier.errors import InputError

    try:
        clean(data)
    except InputError:
        pass


@SETTINGS
@given(documents)
def test_output_is_input_paragraphs_in_order(text):
    source = [p.text for p in segment_text(text)]
    kept = clean(text).split("\n\n") if clean(text) else []
    iterator = iter(source)
    assert all(any(paragraph == candidate for candidate in iterator) for paragraph in kept)


@SETTINGS
@given(documents)
def test_deterministic(text):
    assert clean(text) == clean(text)
    assert [p.scores for p in classify(text)] == [p.scores for p in classify(text)]


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(pages)
def test_cleaning_cleaned_text_keeps_it(text):
    once = clean(text)
    assert clean(once) == once


def test_cleaning_is_stable_on_a_clean_article():
    """An article without furniture (the body paragraphs alone) is kept whole, twice."""
    article = "\n\n".join(BODY)
    assert clean(article) == article and clean(clean(article)) == article


@SETTINGS
@given(documents, st.sampled_from([("news",), ("news", "caption"), ("boilerplate", "teaser")]))
def test_cleaning_any_cleaned_text_keeps_it(text, keep):
    """Labels are settled for the keep set (predict.settle), so this holds for any text and keep set (these
    pages have at most 30 paragraphs, fewer than MAX_SETTLE_ROUNDS, so they always settle fully)."""
    once = clean(text, keep)
    assert clean(once, keep) == once


@SETTINGS
@given(st.lists(st.lists(st.floats(0, 1), min_size=6, max_size=6), max_size=12),
       st.lists(st.booleans(), min_size=6, max_size=6), st.sampled_from(["precision", "balanced", "recall"]))
def test_labels_follow_the_keep_decision(rows, keep_flags, favor):
    """For any probabilities and keep set: a paragraph's likeliest label is kept exactly when the kept labels together
    pass the odds, its scores still sum to one, and scores that already agree with the decision are untouched."""
    import numpy as np

    from classifier.predict import Favor, _given, kept_mask

    raw = np.array(rows, dtype=float).reshape(-1, 6) + 1e-6
    probabilities = raw / raw.sum(axis=1, keepdims=True)
    wanted = np.array(keep_flags)
    kept = kept_mask(probabilities, wanted, Favor(favor))
    given = _given(probabilities, kept, wanted)
    assert (wanted[given.argmax(axis=1)] == kept).all()
    assert np.allclose(given.sum(axis=1), 1.0)
    agree = wanted[probabilities.argmax(axis=1)] == kept
    assert (given[agree] == probabilities[agree]).all()
