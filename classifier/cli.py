"""``clean-article``: keep the editorial text of scraped pages (a thin shell over the library)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from .version import __version__
from .decode import decode
from .errors import CleanerError
from .jsonl import json_objects
from .labels import Label, parse_labels
from .model import DEFAULT_MODEL_PATH, cached_model
from .output import OutputFormat, document_record, render
from .predict import Favor, predict, predict_pages
from .segment import InputFormat, segment

PROG = "clean-article"
EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130
JSONL_BATCH = 256
"""Records cleaned per batch in the JSON Lines stream (bounded memory, parallel batches with --jobs)."""

EPILOG = """\
examples:
  clean-article page.txt                      cleaned article text on stdout
  clean-article page.html --format json       every paragraph with label, confidence and scores
  clean-article --format labels page.txt > page.tsv      pre-annotate for retraining
  curl -s URL | clean-article --input-format html -
  clean-article --keep news,caption -o out/ pages/*.html --jobs 2
  clean-article --favor precision page.txt    less furniture, at the cost of some article text
  clean-article --input-format jsonl < pages.jsonl > cleaned.jsonl

exit codes: 0 all inputs cleaned; 1 some inputs failed (each named on stderr, the
others are still cleaned); 2 usage error (bad option, unknown label, unusable model).
"""


class UsageError(Exception):
    """A command-line problem that stops the whole run (exit 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Label the paragraphs of scraped news pages (text or HTML) and keep the article text.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="input files; '-' or none reads stdin")
    parser.add_argument("-f", "--format", choices=[f.value for f in OutputFormat], default="text",
                        help="text: cleaned text; json: paragraphs with labels and scores; labels: label<TAB>paragraph lines")
    parser.add_argument("-o", "--output-dir", type=Path, help="write DIR/<stem>.txt|.json|.tsv per input instead of stdout")
    parser.add_argument("-k", "--keep", default="news", help="comma-separated labels to keep (default: news)")
    parser.add_argument("--favor", choices=[f.value for f in Favor], default=Favor.BALANCED.value,
                        help="keep a paragraph when it is likelier kept than not (balanced), at 2:1 odds (precision) "
                             "or at 1:2 (recall)")
    parser.add_argument("-m", "--model", type=Path, help="model file (default: the bundled model)")
    parser.add_argument("-i", "--input-format", choices=[*(f.value for f in InputFormat), "jsonl"], default="auto",
                        help="auto-detect HTML, force text or html, or read JSON Lines records {id, text|html}")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="parallel worker processes for many inputs (default: 1)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _error(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    path = Path(name)
    if path.is_dir():
        raise IsADirectoryError(f"{name}: is a directory")
    return path.read_bytes()


def clean_one(name: str, model_path: str, input_format: str, output_format: str, keep: frozenset[Label],
              favor: Favor = Favor.BALANCED) -> tuple[str, str | None, str | None]:
    """Clean one input; returns (name, output, error) so failures never stop a batch (also in workers)."""
    try:
        paragraphs = predict(segment(decode(_read(name)), InputFormat(input_format)), cached_model(model_path), keep, favor)
        return name, render(paragraphs, OutputFormat(output_format), keep, name), None
    except CleanerError as exc:
        return name, None, f"{name}: {exc}"
    except OSError as exc:
        return name, None, f"{name}: {exc.strerror or exc}" if exc.filename is None or str(exc.filename) == name else f"{name}: {exc}"


def _output_paths(names: Sequence[str], out_dir: Path, suffix: str) -> dict[str, Path]:
    """One output path per input; same stems from different folders get -2, -3… instead of overwriting."""
    taken: set[str] = set()
    paths = {}
    for name in names:
        stem = "stdin" if name == "-" else Path(name).name.split(".")[0] or "output"
        candidate, n = stem + suffix, 1
        while candidate in taken:
            n += 1
            candidate = f"{stem}-{n}{suffix}"
        taken.add(candidate)
        paths[name] = out_dir / candidate
    return paths


def write_atomic(path: Path, content: str) -> None:
    """Write through a temporary file and rename, so an interrupted run leaves no partial output."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _results(names: Sequence[str], args: argparse.Namespace, model_path: str, keep: frozenset[Label]) -> Iterator[tuple[str, str | None, str | None]]:
    task = (model_path, args.input_format, args.format, keep, Favor(args.favor))
    if args.jobs > 1 and len(names) > 1 and "-" not in names:
        from joblib import Parallel, delayed

        yield from Parallel(n_jobs=args.jobs, return_as="generator")(delayed(clean_one)(n, *task) for n in names)
    else:
        yield from (clean_one(n, *task) for n in names)


def _progress(done: int, total: int | None) -> None:
    if sys.stderr.isatty():
        print(f"\r{done}/{total}" if total else f"\r{done}", end="", file=sys.stderr, flush=True)


def run_files(args: argparse.Namespace, model_path: str, keep: frozenset[Label]) -> int:
    names = args.files or ["-"]
    suffix = OutputFormat(args.format).suffix
    outputs: dict[str, Path] = {}
    if args.output_dir:
        try:
            args.output_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create output directory {args.output_dir}: {exc.strerror or exc}") from None
        outputs = _output_paths(names, args.output_dir, suffix)
    inputs = {Path(n).resolve() for n in names if n != "-"}
    failed = 0
    several = len(names) > 1 and args.format == "text"
    for done, (name, output, error) in enumerate(_results(names, args, model_path, keep), start=1):
        _progress(done, len(names))
        if error is None and output is not None:
            if name in outputs:
                target = outputs[name]
                if target.resolve() in inputs:
                    error = f"{name}: refusing to overwrite input file {target}"
                else:
                    try:
                        write_atomic(target, output)
                    except OSError as exc:
                        error = f"{name}: cannot write {target}: {exc.strerror or exc}"
            else:
                sys.stdout.write(f"==> {name} <==\n{output}\n" if several else output)
                sys.stdout.flush()
        if error is not None:
            failed += 1
            _error(error)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _jsonl_records(stream: IO[str], source: str) -> Iterator[tuple[int, dict | None, str | None]]:
    for number, record, error in json_objects(stream, source):
        if error is None and not isinstance(record.get("text", record.get("html")), str):  # type: ignore[union-attr]
            error = f"{source}:{number}: expected an object with a 'text' or 'html' string"
        yield number, None if error else record, error


def clean_records(records: list[dict], model_path: str, keep: frozenset[Label], favor: Favor = Favor.BALANCED) -> list[str]:
    """Clean a batch of JSON Lines records in one featurization pass; a failing record yields an error
    field instead of stopping the stream."""
    pages: list[list] = []
    errors: dict[int, str] = {}
    for index, record in enumerate(records):
        is_html = "html" in record and isinstance(record["html"], str)
        try:
            pages.append(segment(decode(record["html"] if is_html else record["text"]), InputFormat.HTML if is_html else InputFormat.AUTO))
        except CleanerError as exc:
            errors[index] = str(exc)
            pages.append([])
    labelled = predict_pages(pages, cached_model(model_path), keep, favor)
    return [json.dumps({"id": record.get("id"), "error": errors[index]} if index in errors else
                       document_record(page, keep, id=record.get("id")), ensure_ascii=False)
            for index, (record, page) in enumerate(zip(records, labelled))]


def _batches(names: Sequence[str], keep: frozenset[Label], failures: list[str]) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for name in names:
        try:
            stream = sys.stdin if name == "-" else open(name, encoding="utf-8", errors="replace")
        except OSError as exc:
            failures.append(f"{name}: {exc.strerror or exc}")
            continue
        with stream if name != "-" else contextlib.nullcontext(stream):
            for _, record, error in _jsonl_records(stream, name):
                if error:
                    failures.append(error)
                    continue
                batch.append(record)  # type: ignore[arg-type]
                if len(batch) >= JSONL_BATCH:
                    yield batch
                    batch = []
    if batch:
        yield batch


def run_jsonl(args: argparse.Namespace, model_path: str, keep: frozenset[Label]) -> int:
    """Stream JSON Lines: records in, cleaned records out, in order, a batch at a time."""
    names = args.files or ["-"]
    failures: list[str] = []
    batches = _batches(names, keep, failures)
    favor = Favor(args.favor)
    if args.jobs > 1:
        from joblib import Parallel, delayed

        results: Iterator[list[str]] = Parallel(n_jobs=args.jobs, return_as="generator")(
            delayed(clean_records)(b, model_path, keep, favor) for b in batches)
    else:
        results = (clean_records(b, model_path, keep, favor) for b in batches)
    done = 0
    for lines in results:
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
        done += len(lines)
        _progress(done, None)
    for failure in failures:
        _error(failure)
    return EXIT_SOME_FAILED if failures or done == 0 and failures else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 some inputs failed, 2 usage error)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits for --help/--version (0) and usage errors (2)
        return int(exc.code or 0)
    try:
        keep = parse_labels(args.keep)
        if args.jobs < 1:
            raise UsageError("--jobs must be at least 1")
        model_path = str(args.model or DEFAULT_MODEL_PATH)
        cached_model(model_path)  # a bad model is a usage error, reported once before any input
        if args.input_format == "jsonl":
            if args.output_dir:
                raise UsageError("--output-dir does not apply to --input-format jsonl (output is one stream)")
            return run_jsonl(args, model_path, keep)
        return run_files(args, model_path, keep)
    except (UsageError, CleanerError) as exc:
        _error(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): stop quietly, and keep Python from complaining at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def console_main() -> None:
    """The console script: run main() and exit with its code (only here, never in the library)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left before the last flush: still a quiet exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(code)
