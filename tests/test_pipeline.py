import classifier
from classifier import Label, Paragraph, classify, clean
from classifier.labels import LABELS

from .conftest import PAGE


def test_public_api_names_are_the_functions():
    assert callable(classifier.classify) and callable(classifier.clean)
    assert classifier.__version__


def test_classify_text_and_bytes_agree(tiny_model):
    text = "\n".join(t for _, t in PAGE)
    a = classify(text, model=tiny_model)
    b = classify(text.encode("utf-16"), model=tiny_model)
    assert [p.text for p in a] == [p.text for p in b] and all(isinstance(p, Paragraph) for p in a)
    assert [p.label for p in a] == [label for label, _ in PAGE]
    assert all(0 < p.confidence <= 1 and len(p.scores) == len(LABELS) for p in a)


def test_clean_keeps_requested_labels_in_order(tiny_model):
    text = "\n".join(t for _, t in PAGE)
    assert clean(text, model=tiny_model) == "\n\n".join(t for l, t in PAGE if l is Label.NEWS)
    both = clean(text, keep={"news", Label.CAPTION}, model=tiny_model)
    assert both == "\n\n".join(t for l, t in PAGE if l in (Label.NEWS, Label.CAPTION))


def test_html_input_and_forced_formats(tiny_model):
    html = "<html><body>" + "".join(f"<p>{t}</p>" for _, t in PAGE) + "</body></html>"
    assert [p.text for p in classify(html, model=tiny_model)] == [t for _, t in PAGE]
    assert len(classify(html, input_format="text", model=tiny_model)) == 1


def test_empty_input():
    assert classify("") == [] and clean(b"") == "" and clean("  \n ") == ""
