"""Turn whatever a crawler fetched (bytes or str) into text: BOMs, legacy encodings, gzip, binary refusal."""

from __future__ import annotations

import codecs
import re
import zlib

from .errors import BinaryInputError, DecodeError, InputTooLargeError

MAX_INPUT_BYTES = 512 * 1024 * 1024
"""Largest input (after gunzip) we accept; bigger inputs get InputTooLargeError instead of exhausting memory."""

SNIFF_BYTES = 8192
"""How much of the start is inspected for binary signatures and charset declarations."""

MAX_CONTROL_SHARE = 0.05
"""Share of control characters above which decoded "text" is treated as binary."""

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"RIFF", "RIFF media file"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"7z\xbc\xaf", "7z archive"),
    (b"Rar!", "RAR archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ", "xz archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "executable"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"OggS", "Ogg media file"),
    (b"ID3", "MP3 audio"),
    (b"\x1a\x45\xdf\xa3", "Matroska/WebM video"),
    (b"wOF", "web font"),
    (b"SQLite format 3", "SQLite database"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes | str) -> str:
    """Return the input as text; raise a specific InputError when it is binary, too big or undecodable."""
    if isinstance(data, str):  # already text: the caller decoded it, so nothing to refuse
        return data.removeprefix("\ufeff")
    data = _gunzip(data) if data[:2] == b"\x1f\x8b" else data
    if len(data) > MAX_INPUT_BYTES:
        raise InputTooLargeError(f"input is larger than {MAX_INPUT_BYTES // 2**20} MiB")
    text = _decode_bytes(data).removeprefix("\ufeff")
    _refuse_binary_text(text)
    return text


def _gunzip(data: bytes) -> bytes:
    """Decompress gzip input without letting a zip bomb exceed MAX_INPUT_BYTES."""
    inflater = zlib.decompressobj(wbits=47)
    try:
        out = inflater.decompress(data, MAX_INPUT_BYTES + 1)
    except zlib.error as exc:
        raise DecodeError(f"corrupt gzip data ({exc})") from None
    if len(out) > MAX_INPUT_BYTES:
        raise InputTooLargeError(f"input is larger than {MAX_INPUT_BYTES // 2**20} MiB after decompression")
    if not inflater.eof:
        raise DecodeError("truncated gzip data")
    return out


def _decode_bytes(data: bytes) -> str:
    """Decode bytes: BOM first, then UTF-8, then the declared charset, then Windows-1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {encoding} data after its byte order mark ({exc.reason})") from None
    head = data[:SNIFF_BYTES]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            raise BinaryInputError(f"binary input ({kind})")
    if b"\x00" in head:
        return _decode_bomless_utf16(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(head)
    if declared and declared not in {"utf-8", "utf8"}:
        try:
            return data.decode(declared, errors="replace")
        except LookupError:
            pass  # an unknown charset name falls through to the Western European default
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _decode_bomless_utf16(data: bytes) -> str:
    """NUL bytes in text mean UTF-16 without BOM (alternating NULs) or a binary file."""
    head = data[:SNIFF_BYTES]
    even_nuls, odd_nuls = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if half and odd_nuls > 0.8 * half and even_nuls < 0.1 * half:
        encoding = "utf-16-le"
    elif half and even_nuls > 0.8 * half and odd_nuls < 0.1 * half:
        encoding = "utf-16-be"
    else:
        raise BinaryInputError("binary input (contains NUL bytes)")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"invalid {encoding} data ({exc.reason})") from None


def _declared_charset(head: bytes) -> str | None:
    """The charset an HTML meta tag or XML declaration names, lower-cased; None when there is none."""
    match = _XML_ENCODING.search(head) or _CHARSET.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    return {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252"}.get(name, name)


def _refuse_binary_text(text: str) -> None:
    """Decoding never fails for single-byte charsets, so catch binaries by their control characters."""
    sample = text[:SNIFF_BYTES]
    if sample and len(_CONTROL.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        raise BinaryInputError("binary input (too many control characters)")
