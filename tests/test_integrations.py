"""Spark (local mode) and Scrapy integrations produce exactly what the local cleaner produces."""

import pytest

from classifier import classify, clean

from .conftest import PAGE

PAGES = [
    ("a", "\n".join(text for _, text in PAGE)),
    ("b", "<html><body><h1>Stadtrat tagt</h1><p>Der Stadtrat hat am Dienstag ein neues Konzept verabschiedet.</p>"
          "<p>Zur Story</p></body></html>"),
    ("c", ""),
]


def test_spark_local_mode_matches_local_cleaner():
    pytest.importorskip("pyspark")
    pytest.importorskip("pandas")
    from pyspark.sql import SparkSession

    from classifier.integrations.spark import clean_dataframe

    spark = (SparkSession.builder.master("local[2]").appName("clean-article-test")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    try:
        df = spark.createDataFrame(PAGES, ["id", "page"])
        rows = {r["id"]: r for r in clean_dataframe(df, input_col="page").collect()}
    finally:
        spark.stop()
    for page_id, page in PAGES:
        assert rows[page_id]["clean_text"] == clean(page)
        assert rows[page_id]["labels"] == [p.label.value for p in classify(page)]
        assert rows[page_id]["clean_error"] is None
        assert rows[page_id]["page"] == page


def test_scrapy_pipeline_cleans_the_configured_field():
    pytest.importorskip("scrapy")
    from scrapy.utils.test import get_crawler

    from classifier.integrations.scrapy import CleanArticlePipeline

    crawler = get_crawler(settings_dict={"CLEAN_ARTICLE_FIELD": "body", "CLEAN_ARTICLE_OUTPUT_FIELD": "article",
                                         "CLEAN_ARTICLE_KEEP": ["news", "caption"]})
    pipeline = CleanArticlePipeline.from_crawler(crawler)
    for _, page in PAGES:
        item = pipeline.process_item({"url": "https://example.org", "body": page})
        assert item["article"] == clean(page, keep={"news", "caption"})
        assert item["body"] == page
    untouched = {"url": "x"}
    assert pipeline.process_item(dict(untouched)) == untouched
    broken = pipeline.process_item({"body": b"\x89PNG\r\n\x1a\n" + bytes(100)})
    assert broken["article"] == "" and "binary" in broken["clean_error"]
