"""Scrapy item pipeline that cleans one item field (extra ``[scrapy]``).

settings.py::

    ITEM_PIPELINES = {"classifier.integrations.scrapy.CleanArticlePipeline": 500}
    CLEAN_ARTICLE_FIELD = "html"             # field holding the page (text or HTML)
    CLEAN_ARTICLE_OUTPUT_FIELD = "text"      # where the cleaned text goes
    CLEAN_ARTICLE_KEEP = ["news"]            # labels to keep
    CLEAN_ARTICLE_FAVOR = "balanced"         # or "precision" / "recall" (see classifier.Favor)
    CLEAN_ARTICLE_MODEL = None               # path of another model

Items without the field pass through unchanged; a page that cannot be cleaned gets an empty output
field and ``clean_error`` (the crawl goes on).
"""

from __future__ import annotations

from typing import Any

from ..cleaner import DEFAULT_KEEP
from ..errors import CleanerError
from ..model import DEFAULT_MODEL_PATH, cached_model
from ..predict import Favor


class CleanArticlePipeline:
    """Cleans ``CLEAN_ARTICLE_FIELD`` into ``CLEAN_ARTICLE_OUTPUT_FIELD``; the model is loaded once."""

    def __init__(self, field: str = "html", output_field: str = "text", keep: Any = None, model_path: str | None = None,
                 favor: str = Favor.BALANCED.value) -> None:
        self.field = field
        self.favor = Favor(favor)
        self.output_field = output_field
        self.keep = frozenset(keep or (label.value for label in DEFAULT_KEEP))
        self.model = cached_model(str(model_path or DEFAULT_MODEL_PATH))

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleanArticlePipeline:
        settings = crawler.settings
        return cls(settings.get("CLEAN_ARTICLE_FIELD", "html"), settings.get("CLEAN_ARTICLE_OUTPUT_FIELD", "text"),
                   settings.getlist("CLEAN_ARTICLE_KEEP") or None, settings.get("CLEAN_ARTICLE_MODEL"),
                   settings.get("CLEAN_ARTICLE_FAVOR", Favor.BALANCED.value))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        from itemadapter import ItemAdapter

        from ..pipeline import clean

        adapter = ItemAdapter(item)
        source = adapter.get(self.field)
        if source is None:
            return item
        try:
            adapter[self.output_field] = clean(source, self.keep, model=self.model, favor=self.favor)
        except CleanerError as exc:
            adapter[self.output_field] = ""
            try:
                adapter["clean_error"] = str(exc)
            except KeyError:  # a scrapy.Item without that field: the empty output says enough
                pass
        return item
