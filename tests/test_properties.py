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
# realistic pages: shuffled/resampled hand-written lines with random blank lines in between
page_lines = st.lists(st.sampled_from([text for _, text in PAGE]), min_size=1, max_size=25)
pages = st.tuples(page_lines, st.lists(st.booleans(), min_size=25, max_size=25)).map(
    lambda pair: "\n".join(line + ("\n" if blank else "") for line, blank in zip(pair[0], pair[1])))


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
    kept = [p.text for p in classify(text) if p.label.value == "news"]
    iterator = iter(source)
    assert all(any(paragraph == candidate for candidate in iterator) for paragraph in kept)
    assert clean(text) == "\n\n".join(kept)


@SETTINGS
@given(documents)
def test_deterministic(text):
    assert clean(text) == clean(text)
    assert [p.scores for p in classify(text)] == [p.scores for p in classify(text)]


@SETTINGS
@given(pages)
def test_cleaning_cleaned_text_keeps_it(text):
    once = clean(text)
    assert clean(once) == once
