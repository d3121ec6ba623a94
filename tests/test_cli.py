import gzip
import io
import json
import os
import sys
from pathlib import Path

import pytest

from classifier.cli import main
from classifier.model import save_model

from .conftest import PAGE

PAGE_TEXT = "\n".join(text for _, text in PAGE) + "\n"


@pytest.fixture()
def model_path(tiny_model, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "tiny.npz"
    save_model(tiny_model, path)
    return str(path)


@pytest.fixture()
def page(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(PAGE_TEXT, encoding="utf-8")
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output_keeps_news_only(capsys, model_path, page):
    code, out, err = run(capsys, "--model", model_path, str(page))
    assert code == 0 and err == ""
    news = [text for label, text in PAGE if label.value == "news"]
    assert out == "\n\n".join(news) + "\n"


def test_keep_option(capsys, model_path, page):
    code, out, _ = run(capsys, "--model", model_path, "--keep", "news,caption", str(page))
    assert code == 0 and "Bild: keystone" in out and "Zur Story" not in out


def test_favor_option_sets_how_sure_the_cleaner_must_be(capsys, model_path, page):
    from classifier import clean, load_model

    model = load_model(Path(model_path))
    for favor in ("precision", "balanced", "recall"):
        code, out, _ = run(capsys, "--model", model_path, "--favor", favor, str(page))
        assert code == 0 and out == clean(PAGE_TEXT, model=model, favor=favor) + "\n"
    assert run(capsys, "--model", model_path, "--favor", "everything", str(page))[0] == 2


def test_json_output(capsys, model_path, page):
    code, out, _ = run(capsys, "--model", model_path, "--format", "json", str(page))
    record = json.loads(out)
    assert record["source"] == str(page)
    assert len(record["paragraphs"]) == len(PAGE)
    first = record["paragraphs"][0]
    assert set(first) == {"text", "label", "confidence", "scores", "start_line", "end_line"}
    assert first["start_line"] == 1 and set(first["scores"]) == {"news", "ad", "comments", "caption", "teaser", "boilerplate"}
    assert record["text"].startswith("Stadtrat beschliesst")


def test_json_lines_are_null_for_html(capsys, model_path, tmp_path):
    html = tmp_path / "p.html"
    html.write_text("<html><body><p>Der Stadtrat hat am Dienstag getagt.</p></body></html>")
    code, out, _ = run(capsys, "--model", model_path, "-f", "json", str(html))
    assert code == 0 and json.loads(out)["paragraphs"][0]["start_line"] is None


def test_labels_output_round_trips(capsys, model_path, page, tmp_path):
    code, out, _ = run(capsys, "--model", model_path, "--format", "labels", str(page))
    assert out.splitlines()[0] == f"# doc: {page}"
    assert [line.split("\t") for line in out.splitlines()[1:]] == [[l.value, t] for l, t in PAGE]


def test_stdin(capsys, model_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PAGE_TEXT.encode())))
    code, out, _ = run(capsys, "--model", model_path, "-")
    assert code == 0 and out.startswith("Stadtrat beschliesst")


def test_empty_file_gives_empty_output(capsys, model_path, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n \t\n")
    assert run(capsys, "--model", model_path, str(empty), str(blank))[:2] == (0, "==> %s <==\n\n==> %s <==\n\n" % (empty, blank))
    assert run(capsys, "--model", model_path, str(empty)) == (0, "", "")


def test_bad_inputs_are_named_and_others_still_cleaned(capsys, model_path, page, tmp_path):
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    missing = tmp_path / "missing.txt"
    code, out, err = run(capsys, "--model", model_path, str(binary), str(missing), str(tmp_path), str(page))
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("clean-article: ") for line in lines)
    assert str(binary) in lines[0] and "binary" in lines[0]
    assert str(missing) in lines[1] and str(tmp_path) in lines[2]
    assert "Traceback" not in err
    assert "Stadtrat beschliesst" in out


def test_unreadable_file(capsys, model_path, page, monkeypatch):
    # CI runs as root, which can read anything: simulate the permission error the OS would raise
    real_read = Path.read_bytes

    def read_bytes(self):
        if self == page:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, _, err = run(capsys, "--model", model_path, str(page))
    assert code == 1 and err == f"clean-article: {page}: Permission denied\n"


def test_gzip_input(capsys, model_path, tmp_path):
    path = tmp_path / "page.txt.gz"
    path.write_bytes(gzip.compress(PAGE_TEXT.encode()))
    assert run(capsys, "--model", model_path, str(path))[1].startswith("Stadtrat beschliesst")


def test_output_dir_created_names_unique_inputs_untouched(capsys, model_path, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    inputs = [tmp_path / "a" / "page.txt", tmp_path / "b" / "page.txt"]
    for path in inputs:
        path.write_text(PAGE_TEXT)
    out_dir = tmp_path / "out" / "nested"
    code, out, err = run(capsys, "--model", model_path, "-o", str(out_dir), "-f", "json", *map(str, inputs))
    assert code == 0 and out == "" and err == ""
    assert sorted(p.name for p in out_dir.iterdir()) == ["page-2.json", "page.json"]
    assert all(p.read_text() == PAGE_TEXT for p in inputs)
    assert not list(out_dir.glob("*.part"))


def test_output_never_overwrites_an_input(capsys, model_path, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE_TEXT)
    code, _, err = run(capsys, "--model", model_path, "-o", str(tmp_path), str(page))
    assert code == 1 and "refusing to overwrite" in err and page.read_text() == PAGE_TEXT


def test_unwritable_output_dir(capsys, model_path, page, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "--model", model_path, "-o", str(blocker / "sub"), str(page))
    assert code == 2 and err.startswith("clean-article: cannot create output directory")


def test_usage_errors_exit_2(capsys, model_path, page, tmp_path):
    assert run(capsys, "--model", model_path, "--keep", "nonsense", str(page))[0] == 2
    assert run(capsys, "--bogus-option")[0] == 2
    code, _, err = run(capsys, "--model", str(tmp_path / "none.npz"), str(page))
    assert code == 2 and "model file not found" in err
    (tmp_path / "bad.npz").write_bytes(b"garbage")
    code, _, err = run(capsys, "--model", str(tmp_path / "bad.npz"), str(page))
    assert code == 2 and "corrupt" in err


def test_version_and_help(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("clean-article ")
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "examples:" in out and "exit codes" in out


def test_jsonl_stream(capsys, model_path, monkeypatch):
    records = [{"id": 1, "text": PAGE_TEXT}, {"id": "b", "html": "<p>Der Stadtrat hat am Dienstag getagt.</p>"}, {"id": 3, "text": ""}]
    stream = "\n".join(json.dumps(r) for r in records) + "\nnot json\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(stream))
    code, out, err = run(capsys, "--model", model_path, "--input-format", "jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == [1, "b", 3]
    assert lines[0]["text"].startswith("Stadtrat") and lines[2]["text"] == ""
    assert code == 1 and "<stdin>" not in err and ":4: invalid JSON" in err


def test_jobs_preserve_order(capsys, model_path, tmp_path):
    paths = []
    for i in range(4):
        path = tmp_path / f"p{i}.txt"
        path.write_text(f"Titel Nummer {i}\n" + PAGE_TEXT)
        paths.append(str(path))
    code, out, _ = run(capsys, "--model", model_path, "--jobs", "2", "-f", "json", *paths)
    assert code == 0 and [json.loads(line)["source"] for line in out.splitlines()] == paths
