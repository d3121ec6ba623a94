"""Bad input never crashes and never loses data: pipes, interrupts, huge and malformed inputs, fuzzing."""

import signal
import subprocess
import sys
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from classifier import clean
from classifier.decode import decode
from classifier.errors import InputError
from classifier.featurize import FeatureConfig, hashed_counts
from classifier.segment import html_blocks, segment

from .conftest import PAGE

CLI = [sys.executable, "-m", "classifier.cli_entry"]
NEWS = " ".join(text for label, text in PAGE if label.value == "news" and len(text) > 80)


def _peak_rss_mb(argv: list[str], **kwargs) -> tuple[subprocess.CompletedProcess, float]:
    """Run a command in a fresh wrapper process and return its result and the child's peak RSS."""
    probe = ("import resource, subprocess, sys, json; r = subprocess.run(json.loads(sys.argv[1]), capture_output=True); "
             "sys.stderr.buffer.write(r.stderr); sys.stdout.buffer.write(r.stdout[:1000]); "
             "print('\\nRSS', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")
    import json

    result = subprocess.run([sys.executable, "-c", probe, json.dumps(argv)], capture_output=True, text=True, **kwargs)
    last = result.stdout.strip().splitlines()[-1].split()
    return result, int(last[1]) / 1024


def test_pipe_to_head_ends_quietly(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("\n\n".join(f"{NEWS} Absatz {i}." for i in range(3000)), encoding="utf-8")
    process = subprocess.Popen(CLI + [str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait() == 0
    assert first.startswith(b"Der Stadtrat") and stderr == ""


def test_ctrl_c_ends_quietly():
    process = subprocess.Popen(CLI + ["-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(3)  # let it reach the blocking read of stdin (this waits; nothing is timed or asserted on time)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert b"Traceback" not in stderr


def test_large_text_file_in_bounded_memory(tmp_path):
    big = tmp_path / "big.txt"
    paragraph = NEWS + "\n\n"
    with big.open("w", encoding="utf-8") as handle:
        for i in range(30 * 2**20 // len(paragraph.encode())):
            handle.write(f"Zeile {i}: " + paragraph)
    result, peak = _peak_rss_mb(CLI + [str(big), "-o", str(tmp_path / "out")])
    assert "RSS" in result.stdout and result.stdout.strip().endswith(" 0"), result.stderr
    assert peak < 3000, f"peak RSS {peak:.0f} MB for a 30 MB text file"
    assert (tmp_path / "out" / "big.txt").stat().st_size > 10 * 2**20


def test_ten_megabyte_single_line():
    line = ("wort " * (10 * 2**20 // 5)).strip()
    result = clean(line)
    assert result in ("", line)


def test_large_html_page_in_bounded_memory(tmp_path):
    page = tmp_path / "big.html"
    with page.open("w", encoding="utf-8") as handle:
        handle.write("<html><body>")
        for i in range(20000):
            handle.write(f"<div class='teaser'><a href='/x{i}'>Link {i}</a></div><p>{NEWS}</p>")
        handle.write("</body></html>")
    result, peak = _peak_rss_mb(CLI + [str(page), "-o", str(tmp_path / "out")])
    assert result.stdout.strip().endswith(" 0"), result.stderr
    assert peak < 3000, f"peak RSS {peak:.0f} MB for a {page.stat().st_size >> 20} MB HTML page"


def test_malformed_html_variants():
    variants = [
        "<html><body><p>eins<p>zwei</body>",
        "<div>" * 5000 + "tief" + "</div>" * 10,
        "<p class='" + "x" * 5_000_000 + "'>Attribut</p>",
        "<p>a</p></div></div></html></body><p>b</p>",
        "<html><body><table><tr><td>x<td>y</table><script>if (a < b) {</script><p>z</p>",
        "<<<>>><p><<a>>b</p>",
        "<?xml version='1.0' encoding='iso-8859-1'?><html><body><p>xml decl</p></body></html>",
    ]
    for html in variants:
        texts = [b.paragraph.text for b in html_blocks(html)]
        assert texts, html[:40]
        clean(html)
    assert [b.paragraph.text for b in html_blocks(variants[1])] == ["tief"]


FUZZ = settings(max_examples=1500, deadline=None)


@FUZZ
@given(st.binary(max_size=3000))
def test_fuzz_bytes_decode_and_segment(data):
    try:
        text = decode(data)
    except InputError:
        return
    paragraphs = segment(text)
    hashed_counts(paragraphs, FeatureConfig(char_bits=10, word_bits=10, struct_bits=6))


@FUZZ
@given(st.lists(st.sampled_from(list("<>/=\"' abcdiv&;#xp!-\n\tä€") + ["<div>", "</div>", "<p>", "<script>", "<br>", "&amp;", "<!--", "-->"]),
                max_size=200).map("".join))
def test_fuzz_html_like_text(text):
    for paragraph in segment(text):
        assert paragraph.text == " ".join(paragraph.text.split()) and paragraph.text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=1500))
def test_fuzz_whole_pipeline(text):
    assert isinstance(clean(text), str)
