import codecs
import gzip

import pytest

from classifier.decode import MAX_INPUT_BYTES, decode
from classifier.errors import BinaryInputError, DecodeError, InputTooLargeError

GERMAN = "Größere Übungen für Bürger – «Zürich» kostet 5 €"


def test_utf8_with_and_without_bom():
    assert decode(GERMAN.encode("utf-8")) == GERMAN
    assert decode(codecs.BOM_UTF8 + GERMAN.encode("utf-8")) == GERMAN


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16(encoding):
    data = GERMAN.encode(encoding)
    if encoding != "utf-16":  # explicit-endian codecs write no BOM: add it, then also try without
        bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
        assert decode(data) == GERMAN
        data = bom + data
    assert decode(data) == GERMAN


def test_cp1252_text_without_declaration():
    assert decode(GERMAN.encode("cp1252")) == GERMAN


def test_latin1_html_uses_meta_charset():
    html = '<html><head><meta charset="iso-8859-15"></head><body><p>Größe kostet 5 €</p></body></html>'
    assert "Größe kostet 5 €" in decode(html.encode("iso-8859-15"))


def test_legacy_cyrillic_html_uses_declared_charset():
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head><body>Привет мир</body></html>'
    assert "Привет мир" in decode(html.encode("cp1251"))


@pytest.mark.parametrize("data,kind", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (b"PK\x03\x04" + b"\x00" * 50, "ZIP"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 50, "executable"),
    (bytes(range(256)) * 4, "NUL"),
])
def test_binary_is_refused(data, kind):
    with pytest.raises(BinaryInputError, match=kind):
        decode(data)


def test_gzip_is_read_transparently():
    assert decode(gzip.compress(GERMAN.encode("utf-8"))) == GERMAN


def test_corrupt_gzip_is_a_decode_error():
    with pytest.raises(DecodeError):
        decode(gzip.compress(b"hello world")[:12] + b"garbage")


def test_invalid_utf16_after_bom_is_a_decode_error():
    with pytest.raises(DecodeError):
        decode(codecs.BOM_UTF16_LE + b"\x00\xd8\x41")  # lone surrogate, odd length


def test_empty_and_whitespace():
    assert decode(b"") == ""
    assert decode(b"  \n\t") == "  \n\t"


def test_size_limit_of_decompressed_input(monkeypatch):
    monkeypatch.setattr("classifier.decode.MAX_INPUT_BYTES", 1000)
    with pytest.raises(InputTooLargeError):
        decode(gzip.compress(b"a" * 5000))
    assert MAX_INPUT_BYTES >= 100 * 2**20  # the documented limit admits a 100 MB page
