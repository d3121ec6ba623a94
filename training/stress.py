"""Stress run for issue-size inputs: a 100 MB text file and a 50 MB HTML page through the CLI.

    python -m training.stress [--text-mb 100] [--html-mb 50]

Prints seconds and the CLI process's peak RSS for each (the numbers in the README).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARAGRAPH = ("Der Stadtrat hat am Dienstag ein neues Konzept für den Veloverkehr verabschiedet. Es sieht breitere "
             "Wege und mehr Abstellplätze vor, die bis zum Sommer gebaut werden sollen, sagte die Stadträtin.")


def run(path: Path, out: Path) -> tuple[float, float, int]:
    started = time.perf_counter()
    code = subprocess.run([sys.executable, "-m", "classifier.cli_entry", str(path), "-o", str(out)]).returncode
    return time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text-mb", type=int, default=100)
    parser.add_argument("--html-mb", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text = folder / "big.txt"
        with text.open("w", encoding="utf-8") as handle:
            for i in range(args.text_mb * 2**20 // (len(PARAGRAPH) + 12)):
                handle.write(f"{i}: {PARAGRAPH}\n\n")
        seconds, peak, code = run(text, folder / "out")
        print(f"text  {text.stat().st_size / 2**20:6.0f} MB: {seconds:6.1f} s, peak RSS {peak:6.0f} MB, exit {code}")
        html = folder / "big.html"
        with html.open("w", encoding="utf-8") as handle:
            handle.write("<html><body>")
            i = 0
            while handle.tell() < args.html_mb * 2**20:
                handle.write(f"<div class='related'><a href='/x{i}'>Weitere Meldung {i}</a></div><p>{PARAGRAPH}</p>")
                i += 1
            handle.write("</body></html>")
        seconds, peak, code = run(html, folder / "out")
        print(f"html  {html.stat().st_size / 2**20:6.0f} MB: {seconds:6.1f} s, peak RSS {peak:6.0f} MB (max over both runs), exit {code}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
