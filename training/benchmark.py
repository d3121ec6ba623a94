"""Throughput benchmark on held-out pages: text dumps and HTML, one core, next to trafilatura and jusText.

    python -m training.benchmark [--pages 300] [--out training/reports/benchmark.json]

Prints docs/s and MB/s per system and input kind, peak RSS, model load time and the CLI's cold start
for one file. Numbers, not assertions: speed is measured here, never in the tests.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as promised in the README

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

from classifier import clean, clean_many  # noqa: E402
from classifier.decode import decode  # noqa: E402
from classifier.evaluate import paragraphs_as_html  # noqa: E402
from classifier.model import DEFAULT_MODEL_PATH, load_model  # noqa: E402

from .corpus import DEFAULT_CACHE, REPO, corpora_dir, read_docs, split_of  # noqa: E402
from .sources import trafilatura_site  # noqa: E402


def held_out_html(corpora: Path, limit: int) -> list[bytes]:
    """Raw HTML of held-out trafilatura and L3S-GN1 pages (mostly German, then English news)."""
    pages = []
    evaldata = json.loads((corpora / "trafilatura-eval" / "evaldata.json").read_text(encoding="utf-8"))
    for page_id, meta in sorted(evaldata.items()):
        site = trafilatura_site(meta, page_id)
        path = corpora / "trafilatura-eval" / "pages" / f"{page_id}.html.gz"
        if split_of(site) == "test" and path.exists():
            pages.append(gzip.open(path).read())
    for path in sorted((next((corpora / "L3S-GN1").glob("L3S-GN1-*")) / "original").glob("*.html.gz")):
        if len(pages) >= limit:
            break
        pages.append(gzip.open(path).read())
    return pages[:limit]


def held_out_text(cache: Path, limit: int) -> list[str]:
    """Text dumps of held-out pages as the corpus renders them (several converters), 5–15 KB each."""
    out = []
    for path in sorted(cache.glob("*.jsonl")):
        for doc in read_docs(path):
            if doc.split != "test" or doc.mode != "text" or "#" not in doc.doc_id:
                continue
            lines: dict[int, str] = {}
            for row in doc.rows:
                lines[row.start_line or 0] = row.text
            text = "\n".join(lines.get(i, "") for i in range(1, max(lines) + 1))
            if 5_000 <= len(text.encode()) <= 15_000:
                out.append(text)
            if len(out) >= limit:
                return out
    return out


BATCH = 64
"""Pages per call of ``clean_many`` (what the JSON Lines mode and Spark do): one featurization pass each."""


def batches(pages: list) -> list[list]:
    return [pages[i:i + BATCH] for i in range(0, len(pages), BATCH)]


PASSES = 3
"""Timed passes over the inputs per system; the best is reported (as timeit does: on a shared machine,
noise only ever adds time), the median next to it."""


def measure(function: Callable[[object], object], inputs: list) -> dict:
    """Docs/s and MB/s of ``function`` over ``inputs`` (pages, or lists of pages for batch functions)."""
    pages = [page for item in inputs for page in (item if isinstance(item, list) else [item])]
    size = sum(len(page if isinstance(page, bytes) else page.encode()) for page in pages)
    seconds = []
    for _ in range(PASSES):
        started = time.perf_counter()
        for item in inputs:
            function(item)
        seconds.append(time.perf_counter() - started)
    best, median = min(seconds), sorted(seconds)[len(seconds) // 2]
    return {"docs_per_s": round(len(pages) / best, 1), "mb_per_s": round(size / best / 2**20, 2),
            "median_docs_per_s": round(len(pages) / median, 1), "docs": len(pages), "passes": PASSES}


def _trafilatura(source: object) -> object:
    import trafilatura

    return trafilatura.extract(source if isinstance(source, str) else decode(source))


def _justext(source: object) -> object:
    import justext

    data = source if isinstance(source, bytes) else source.encode()
    return justext.justext(data, justext.get_stoplist("German"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--corpora", default=None)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=REPO / "training" / "reports" / "benchmark.json")
    parser.add_argument("--no-baselines", action="store_true")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    load_model(DEFAULT_MODEL_PATH)
    load_seconds = time.perf_counter() - started
    html_pages = held_out_html(corpora_dir(args.corpora), args.pages)
    text_pages = held_out_text(args.cache, args.pages)
    for page in text_pages + html_pages:  # warm-up pass (lazy imports, the model, caches), not measured
        clean(page)
    results: dict[str, dict] = {
        "clean-article text": measure(clean, text_pages),
        "clean-article html": measure(clean, html_pages),
        f"clean-article text, batches of {BATCH}": measure(clean_many, batches(text_pages)),
        f"clean-article html, batches of {BATCH}": measure(clean_many, batches(html_pages)),
    }
    if not args.no_baselines:
        for name, function in (("trafilatura", _trafilatura), ("jusText", _justext)):
            try:
                results[f"{name} html"] = measure(function, html_pages)
                results[f"{name} text (as <p>)"] = measure(lambda t, f=function: f(paragraphs_as_html(t.splitlines())), text_pages)
            except ImportError:
                results[name] = {"skipped": "not installed (pip install '.[bench]')"}
    cli = [sys.executable, "-m", "classifier.cli_entry", str(REPO / "seeds" / "001_a39d696d3259fc17.txt")]
    cold = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run(cli, check=True, stdout=subprocess.DEVNULL)
        cold.append(time.perf_counter() - t)
    report = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "inputs": {"text_docs": len(text_pages), "text_mean_kb": round(sum(len(t.encode()) for t in text_pages) / max(1, len(text_pages)) / 1024, 1),
                   "html_docs": len(html_pages), "html_mean_kb": round(sum(len(h) for h in html_pages) / max(1, len(html_pages)) / 1024, 1)},
        "model_load_s": round(load_seconds, 3),
        "cli_cold_start_s": round(sorted(cold)[len(cold) // 2], 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"machine: {report['machine']}")
    print(f"inputs: {report['inputs']}")
    print(f"model load: {report['model_load_s']} s   CLI cold start (one file, median of 5): {report['cli_cold_start_s']} s   peak RSS: {report['peak_rss_mb']} MB")
    print(f"{'system':36} {'docs/s':>9} {'MB/s':>7} {'median docs/s':>14}   (best of {PASSES} passes)")
    for name, r in results.items():
        print(f"{name:36} {r['docs_per_s']:>9} {r['mb_per_s']:>7} {r['median_docs_per_s']:>14}" if "docs_per_s" in r else f"{name:36} {r['skipped']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
