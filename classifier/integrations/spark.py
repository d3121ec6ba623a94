"""PySpark: add cleaned text and paragraph labels to a DataFrame of pages (extra ``[spark]``).

    from classifier.integrations.spark import clean_dataframe
    cleaned = clean_dataframe(pages, input_col="html", keep=["news"])   # + clean_text, labels, clean_error

Runs with ``mapInPandas``: each executor's Python worker loads the model once (``cached_model``) and
cleans whole Arrow batches; a page that cannot be cleaned gets ``clean_error`` instead of failing the job.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..cleaner import DEFAULT_KEEP
from ..errors import CleanerError
from ..model import DEFAULT_MODEL_PATH
from ..predict import Favor

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from pyspark.sql import DataFrame

def _clean_batches(batches: Iterator[pd.DataFrame], input_col: str, keep: frozenset[str], input_format: str,
                   model_path: str, favor: str = Favor.BALANCED.value) -> Iterator[pd.DataFrame]:
    from .. import cleaner
    from ..model import cached_model
    from ..pipeline import classify

    model = cached_model(model_path)  # once per Python worker, reused across tasks
    for batch in batches:
        texts, labels, errors = [], [], []
        for source in batch[input_col]:
            if source is None:
                texts.append(None), labels.append(None), errors.append("no input")
                continue
            try:
                paragraphs = classify(source, keep=keep, input_format=input_format, model=model, favor=favor)
            except CleanerError as exc:
                texts.append(None), labels.append(None), errors.append(str(exc))
                continue
            texts.append(cleaner.join(cleaner.kept(paragraphs, keep)))
            labels.append([p.label.value for p in paragraphs])
            errors.append(None)
        yield batch.assign(clean_text=texts, labels=labels, clean_error=errors)


def clean_dataframe(df: DataFrame, input_col: str = "html", keep: Iterable[str] = tuple(l.value for l in DEFAULT_KEEP),
                    input_format: str = "auto", model_path: str | None = None, favor: str = Favor.BALANCED.value) -> DataFrame:
    """``df`` plus ``clean_text`` (string), ``labels`` (array<string>, one per paragraph), ``clean_error``.
    ``favor``: "balanced", "precision" or "recall" (see :class:`classifier.Favor`)."""
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    schema = StructType(list(df.schema.fields) + [
        StructField("clean_text", StringType(), True),
        StructField("labels", ArrayType(StringType()), True),
        StructField("clean_error", StringType(), True),
    ])
    keep_set = frozenset(keep)
    path = str(model_path or DEFAULT_MODEL_PATH)

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        return _clean_batches(batches, input_col, keep_set, input_format, path, favor)

    return df.mapInPandas(run, schema)
