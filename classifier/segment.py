"""Stage 1: split a page into paragraphs — text by blank lines, lines and re-joined hard wraps; HTML by DOM blocks."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from enum import Enum

from .paragraph import Paragraph, Structure

WRAP_MIN_WIDTH = 50
"""Narrowest column width we treat as hard wrapping (narrower "wraps" are lists of short lines)."""

WRAP_MAX_WIDTH = 100
"""Widest column width of hard-wrapped text; longer lines are paragraphs of their own."""

WRAP_MIN_LINES = 2
"""Fewest full lines (each followed by another line) that can show a wrap width."""

WRAP_BAND = 15
"""Columns below the wrap width where most lines of a hard-wrapped paragraph end."""

WRAP_MIN_SHARE = 0.6
"""Share of a document's long lines that must sit in the wrap width's band for it to count as hard-wrapped."""

WRAP_MIN_CONSISTENCY = 0.9
"""Share of the full lines at which the next line's first word would not have fitted (a wrapper's break)."""

WRAP_FULL_SLACK = 20
"""A line within this many columns of the wrap width counts as full: a break after it can be a soft wrap."""

CONTINUATION_MARKS = ",)]"
"""A line opening with one of these, or with a full stop or colon that starts no ellipsis (see :func:`_continues`),
continues the line before: converters that put every text node on a line of its own split sentences after a link or
a bold word. In 600 Dragnet pages rendered that way, 6,137 such breaks were inside a block and 52 between blocks
("?" and "!" are left out: mis-decoded bullets open many lines)."""

MAX_CLASS_TOKENS = 24
"""How many class/id tokens of the nearest ancestors a block keeps as features."""

HTML_SNIFF_CHARS = 65536
_HTML_START = re.compile(r"\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|\?xml)", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"</?(p|div|span|a|br|li|ul|td|tr|table|h[1-6]|article|section|body|head|meta|script|img)\b[^<>]*>", re.IGNORECASE)
HTML_MIN_TAGS = 5


class InputFormat(str, Enum):
    """How a source is read; AUTO sniffs HTML by its start and tag density."""

    AUTO = "auto"
    TEXT = "text"
    HTML = "html"


def looks_like_html(text: str) -> bool:
    """True when the text starts like an HTML document or is dense with HTML tags."""
    head = text[:HTML_SNIFF_CHARS]
    if _HTML_START.match(head):
        return True
    return head.lstrip().startswith("<") and len(_HTML_TAG.findall(head)) >= HTML_MIN_TAGS


def segment(text: str, input_format: InputFormat = InputFormat.AUTO) -> list[Paragraph]:
    """Split decoded input into paragraphs in reading order."""
    if input_format is InputFormat.HTML or (input_format is InputFormat.AUTO and looks_like_html(text)):
        return [block.paragraph for block in html_blocks(text)]
    return segment_text(text)


# --------------------------------------------------------------------------- text


def _normalize_space(text: str) -> str:
    return " ".join(text.split())


def _wrap_width(lines: list[str]) -> int:
    """The column width a hard-wrapped document was wrapped at, or 0 when it is not hard-wrapped.

    Only lines followed by another line count: in wrapped text those sit just under the column, while the
    last line of a paragraph may have any length (a page of short comments has as many of those as full
    lines). The width is the one whose band of :data:`WRAP_BAND` columns holds the most such lines, not the
    longest line: a URL or other unbreakable word that overflows the column must not hide the wrapping. Lines of
    one word do not count at all: a wrapper puts a word too long for the column on a line of its own.
    """
    pairs = [(line, following) for line, following in zip(lines, lines[1:]) if line and following]
    long_lines = [len(line) for line, _ in pairs if WRAP_MIN_WIDTH * 0.8 <= len(line) and " " in line]
    if len(long_lines) < WRAP_MIN_LINES:
        return 0
    in_range = sorted(n for n in long_lines if n <= WRAP_MAX_WIDTH)
    best, width = 0, 0
    for candidate in sorted(set(in_range)):  # ties go to the wider band: its lines all fit the column
        near = bisect_right(in_range, candidate) - bisect_left(in_range, candidate - WRAP_BAND)
        if near >= best:
            best, width = near, candidate
    if width < WRAP_MIN_WIDTH or best < WRAP_MIN_SHARE * len(long_lines):
        return 0
    # A wrapper breaks a line only where the next word would not fit; lists of short lines that happen to
    # share a length (menus, link lists) fail this test for many of their lines.
    full = [(line, following) for line, following in pairs if width - WRAP_BAND <= len(line) <= width]
    fitting = sum(len(line) + 1 + len(following.split(maxsplit=1)[0]) <= width for line, following in full)
    return width if fitting <= (1 - WRAP_MIN_CONSISTENCY) * len(full) else 0


def _continues(line: str) -> bool:
    """The line goes on with the sentence of the line before (it opens with closing punctuation; an ellipsis or a
    dotted rule does not count)."""
    first = line[0]
    if first in CONTINUATION_MARKS:
        return True
    return first in ".:" and line[1:].lstrip()[:1] not in (".", ":")


def _is_wrapped(line: str, next_line: str, width: int) -> bool:
    """A line break is a soft wrap when the next line's first word would not have fitted on the line: a
    full line, a short one before a word too long for what is left of the column (a wrapped URL), or such a word
    alone on its line."""
    if not width:
        return False
    first_word = next_line.split(maxsplit=1)[0] if next_line.strip() else ""
    if not first_word or next_line[:1] in "-*•–·" or next_line[:1].isdigit() and next_line[1:2] in ".)":
        return False
    if len(line) > width:
        return " " not in line
    if len(line) + 1 + len(first_word) <= width:
        return False
    return len(line) >= width - WRAP_FULL_SLACK or len(first_word) > width // 2  # or a word over half a column (a URL)


def segment_text(text: str) -> list[Paragraph]:
    """Paragraphs of plain text: blank lines and line breaks separate them; hard wraps, and sentences that a
    converter broke after an inline element, are re-joined."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    stripped = [line.strip() for line in lines]
    width = _wrap_width(stripped)
    paragraphs: list[Paragraph] = []
    start = 0
    parts: list[str] = []
    for index, line in enumerate(stripped):
        if not line:
            continue
        if not parts:
            start = index
        parts.append(line)
        following = stripped[index + 1] if index + 1 < len(stripped) else ""
        if following and (_continues(following) or _is_wrapped(line, following, width)):
            continue
        text = " ".join(line.split()) if len(parts) == 1 else _join_wrapped(parts)
        paragraphs.append(Paragraph(text, start + 1, index + 1))
        parts = []
    return paragraphs


def _join_wrapped(parts: list[str]) -> str:
    """Join wrapped lines, mending words hyphenated at the line end ("Investi-" + "tionen") and text nodes
    split at an inline element (", sagte er." follows the link it belongs to without a space)."""
    out = parts[0]
    for part in parts[1:]:
        if len(out) > 1 and out[-1] == "-" and out[-2].isalpha() and part[:1].islower():
            out = out[:-1] + part
        elif _continues(part):
            out += part
        else:
            out = f"{out} {part}"
    return _normalize_space(out)


# --------------------------------------------------------------------------- HTML

SKIP_TAGS = frozenset(
    "script style noscript template head svg math iframe object embed canvas select datalist map audio video "
    "source track picture button input textarea".split()
)
BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption figure "
    "footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav noframes ol p pre section "
    "summary table tbody td tfoot th thead tr ul caption legend label".split()
)
LANDMARKS = frozenset("figure figcaption aside nav footer header form li table blockquote main article a".split())
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CLASS_SPLIT = re.compile(r"[^a-zA-Z]+|(?<=[a-z])(?=[A-Z])")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HtmlBlock:
    """A paragraph of an HTML page plus what training needs: its text nodes and the dominant mark."""

    paragraph: Paragraph
    raw_pieces: tuple[str, ...]
    mark: str | None = None

    @property
    def pieces(self) -> tuple[str, ...]:
        """The block's text nodes, whitespace-normalized (computed on demand: only training reads them)."""
        return tuple(piece for piece in (_normalize_space(p) for p in self.raw_pieces) if piece)


@dataclass(slots=True)
class _Frame:
    """An open element: its tag and what blocks inside it inherit (computed once per element)."""

    tag: str
    classes: tuple[str, ...]
    landmarks: frozenset[str]
    mark: str | None
    is_block: bool
    blocks: tuple[str, ...]


_ROOT = _Frame("", (), frozenset(), None, False, ())


def _child_frame(parent: _Frame, tag: str, own_classes: tuple[str, ...], mark: str | None, is_block: bool) -> _Frame:
    """Nearest ancestors' class tokens first (at most MAX_CLASS_TOKENS), landmark tags, block path."""
    classes = _merged_classes(own_classes, parent.classes) if own_classes else parent.classes
    landmarks = parent.landmarks | {tag} if tag in LANDMARKS else parent.landmarks
    blocks = (parent.blocks + (tag,))[-3:] if is_block else parent.blocks
    return _Frame(tag, classes, landmarks, mark or parent.mark, is_block, blocks)


@lru_cache(maxsize=65536)
def _merged_classes(own: tuple[str, ...], inherited: tuple[str, ...]) -> tuple[str, ...]:
    """Own class tokens first, then the inherited ones; cached, since pages repeat the same nesting."""
    return (own + tuple(c for c in inherited if c not in own))[:MAX_CLASS_TOKENS]


@dataclass(slots=True)
class _Buffer:
    pieces: list[str] = field(default_factory=list)
    text_chars: int = 0
    """Non-space characters gathered: whitespace-only pieces between blocks never make a block."""
    link_chars: int = 0
    marks: dict[str, int] = field(default_factory=dict)


@lru_cache(maxsize=65536)
def _class_tokens(raw: str) -> tuple[str, ...]:
    """Words of class and id attributes ("related-articles__item" → articles, item, related); cached:
    pages repeat the same class strings many times."""
    return tuple(sorted({word.lower() for word in _CLASS_SPLIT.split(raw) if len(word) >= 3}))


def _is_hidden(get: Callable[[str, str], str]) -> bool:
    if get("hidden", None) is not None or get("aria-hidden", "") == "true":  # type: ignore[arg-type]
        return True
    style = get("style", "")
    return bool(style and _HIDDEN_STYLE.search(style))


def _parse_html(html: str) -> object:
    """Parse with lxml (fast, C); fall back to BeautifulSoup's pure-Python parser where lxml gives up.

    libxml2 stops at 2,048 levels of nesting (dropping the rest) and rejects some odd documents; then
    the fallback keeps every text line as a paragraph, so no text is lost (only structure).
    """
    import lxml.etree

    html = _XML_DECL.sub("", html, count=1)
    if not html.strip():
        return None
    parser = lxml.etree.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True, encoding="utf-8")
    try:
        root = lxml.etree.fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        root = None
    if root is not None and not any("Excessive depth" in entry.message for entry in parser.error_log):
        return root
    return _fallback_tree(html)


def _fallback_tree(html: str) -> object:
    import lxml.etree
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(list(SKIP_TAGS)):
        element.decompose()
    lines = [line for line in (" ".join(part.split()) for part in soup.get_text("\n").splitlines()) if line]
    if not lines:
        return None
    return lxml.etree.fromstring("<html><body>" + "".join(f"<p>{_escape(line)}</p>" for line in lines) + "</body></html>",
                                 lxml.etree.HTMLParser())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_blocks(html: str, mark_attribute: str | None = None) -> list[HtmlBlock]:
    """Blocks of an HTML page in document order, each with its structural signals.

    ``mark_attribute`` is for training: the value of that attribute on the nearest marked ancestor is
    counted per character, and each block reports the dominant value (e.g. gold labels of L3S-GN1).
    """
    root = _parse_html(html)
    if root is None:
        return []
    return list(_walk(root, mark_attribute))


def _walk(root: object, mark_attribute: str | None) -> Iterator[HtmlBlock]:
    """Iterate the DOM without recursion (lxml's iterwalk), so 5,000-level nesting cannot overflow."""
    import lxml.etree

    stack: list[_Frame] = [_ROOT]
    buffer = _Buffer()
    link_depth = 0
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""  # lxml's HTML parser lower-cases tags
        if event == "start":
            get = element.get
            if not tag or tag in SKIP_TAGS or _is_hidden(get):
                walker.skip_subtree()
                # iterwalk still sends the end event of a skipped element; keep the stack balanced
                stack.append(_Frame(tag, (), frozenset(), None, False, ()))
                continue
            is_block = tag in BLOCK_TAGS or tag == "br"
            if is_block and buffer.text_chars:
                block = _flush(stack[-1], buffer)
                if block is not None:
                    yield block
            raw = get("class")
            raw_id = get("id")
            own = _class_tokens(f"{raw or ''} {raw_id or ''}") if raw or raw_id else ()
            stack.append(_child_frame(stack[-1], tag, own, get(mark_attribute) if mark_attribute else None, is_block))
            if tag == "a":
                link_depth += 1
            if element.text:
                _add(buffer, element.text, link_depth > 0, stack[-1].mark)
        else:
            frame = stack.pop() if len(stack) > 1 else None
            if frame is None:
                continue
            if frame.tag == "a":
                link_depth = max(0, link_depth - 1)
            if frame.is_block and buffer.text_chars:
                block = _flush(frame, buffer)
                if block is not None:
                    yield block
            if element.tail:
                _add(buffer, element.tail, link_depth > 0, stack[-1].mark)
    if buffer.text_chars:
        block = _flush(stack[-1], buffer)
        if block is not None:
            yield block


def _add(buffer: _Buffer, text: str, in_link: bool, mark: str | None) -> None:
    buffer.pieces.append(text)
    stripped = len(text.strip())
    buffer.text_chars += stripped
    if in_link:
        buffer.link_chars += stripped
    if mark is not None and stripped:
        buffer.marks[mark] = buffer.marks.get(mark, 0) + stripped


def _flush(frame: _Frame, buffer: _Buffer) -> HtmlBlock | None:
    """The text gathered since the last block boundary as one block (None if it is only whitespace)."""
    text = _normalize_space("".join(buffer.pieces))
    block = None
    if text:
        block = HtmlBlock(
            Paragraph(text, structure=_structure(frame, len(text), buffer.link_chars)),
            tuple(buffer.pieces),
            max(buffer.marks, key=buffer.marks.__getitem__) if buffer.marks else None,
        )
    buffer.pieces.clear()
    buffer.text_chars = 0
    buffer.link_chars = 0
    buffer.marks.clear()
    return block


def _structure(frame: _Frame, n_chars: int, link_chars: int) -> Structure:
    """The block's signals as hashed-feature tokens: block tag, block path, landmarks, class words."""
    tag = frame.blocks[-1] if frame.blocks else "body"
    heading = int(tag[1]) if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit() else 0
    return Structure(tag=tag, tokens=_structure_tokens(tag, frame.blocks, frame.landmarks, frame.classes),
                     link_density=min(1.0, link_chars / max(1, n_chars)), heading=heading)


@lru_cache(maxsize=65536)
def _structure_tokens(tag: str, blocks: tuple[str, ...], landmarks: frozenset[str], classes: tuple[str, ...]) -> tuple[str, ...]:
    """Block tag, block path, landmarks and class words as tokens; cached: a page's blocks share a few contexts."""
    tokens = [f"tag:{tag}", f"path:{'>'.join(blocks)}"]
    tokens.extend(sorted(f"in:{landmark}" for landmark in landmarks))
    tokens.extend(f"cls:{token}" for token in classes)
    return tuple(tokens)
