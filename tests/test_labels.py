import pytest

from classifier.errors import LabelError
from classifier.labels import LABEL_NAMES, Label, check_label_order, parse_label, parse_labels


def test_label_set_matches_labels_md():
    assert LABEL_NAMES == ("news", "ad", "comments", "caption", "teaser", "boilerplate")


def test_parse_label_accepts_case_and_space():
    assert parse_label(" News ") is Label.NEWS


def test_parse_label_refuses_unknown_with_the_valid_names():
    with pytest.raises(LabelError, match="expected one of: news, ad"):
        parse_label("advert")


def test_parse_labels_for_keep_option():
    assert parse_labels("news,caption") == {Label.NEWS, Label.CAPTION}
    with pytest.raises(LabelError):
        parse_labels(" , ")


def test_label_order_is_checked():
    check_label_order(list(LABEL_NAMES))
    with pytest.raises(LabelError):
        check_label_order(["ad", "news", "comments", "caption", "teaser", "boilerplate"])
