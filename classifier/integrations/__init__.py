"""Optional integrations (Spark, Scrapy); each imports its framework lazily and lives in an extra."""
