"""Label the paragraphs of scraped news pages (news, ad, comments, caption, teaser, boilerplate) and keep the article.

>>> from classifier import clean, classify
>>> text = clean(open("page.txt", encoding="utf-8").read())          # doctest: +SKIP
>>> [(p.label, p.confidence) for p in classify(html_bytes)]           # doctest: +SKIP
"""

from __future__ import annotations

from .errors import (
    BinaryInputError,
    CleanerError,
    DecodeError,
    InputError,
    InputTooLargeError,
    LabelError,
    LabelsFormatError,
    ModelError,
)
from .labels import LABELS, Label
from .model import Model, default_model, load_model
from .paragraph import Paragraph, Structure
from .segment import InputFormat

from .pipeline import classify, classify_many, clean, clean_many
from .predict import Favor
from .version import __version__


__all__ = [
    "BinaryInputError", "CleanerError", "DecodeError", "InputError", "InputTooLargeError", "LabelError",
    "LabelsFormatError", "ModelError", "LABELS", "Label", "Model", "default_model", "load_model", "Paragraph",
    "Structure", "InputFormat", "Favor", "classify", "classify_many", "clean", "clean_many", "__version__",
]
