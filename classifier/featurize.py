"""Stage 2: turn paragraphs into features — hashed TF-IDF of word and character n-grams, HTML structure
tokens and dense layout features.

Hashing (not a vocabulary) keeps the model file small, loading instant and prediction independent of
scikit-learn: the hash of every n-gram is a polynomial over code points computed for a whole batch at
once with numpy prefix sums, so there is no per-paragraph Python loop on the hot path.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from .paragraph import Paragraph

_MASK32 = (1 << 32) - 1
_RADIX = 0x01000193
"""Polynomial hashing runs in uint32 arithmetic (wrapping mod 2**32): twice as fast as uint64, and 32
bits are plenty for at most 2**18 buckets per feature group."""
_RADIX_INV = pow(_RADIX, -1, 1 << 32)
_TABLE_SIZE = 0x3000
"""Code points below this get exact character classes; above it (CJK…) everything counts as a word char."""

_SEPARATOR = "\n"
_SENTENCE_END = frozenset(".!?:;\"'“”»«)…")


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    """Everything that shapes the feature space; stored in the model so prediction matches training."""

    char_min: int = 3
    char_max: int = 4
    char_bits: int = 18
    word_bits: int = 18
    struct_bits: int = 12
    word_bigrams: bool = True
    max_chars: int = 1000
    """Only this many characters of a paragraph are hashed (its start and its end, where calls to
    action sit): long paragraphs would otherwise dominate time and memory; length is a layout feature."""

    @property
    def n_hashed(self) -> int:
        return (1 << self.char_bits) + (1 << self.word_bits) + (1 << self.struct_bits)

    @property
    def offsets(self) -> tuple[int, int, int, int]:
        """Column ranges: [char | word | struct] as cumulative offsets."""
        a = 1 << self.char_bits
        b = a + (1 << self.word_bits)
        return 0, a, b, b + (1 << self.struct_bits)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeatureConfig:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})


DENSE_NAMES: tuple[str, ...] = (
    "log_chars", "log_words", "digit_share", "upper_share", "punct_share", "ends_sentence", "rel_position",
    "log_from_start", "log_from_end", "starts_upper", "mean_word_len", "link_density", "is_html", "heading",
    "log_lines", "capitalized_share", "log_doc_paragraphs", "log_len_vs_doc",
)


def _char_tables() -> tuple[np.ndarray, ...]:
    chars = [chr(c) for c in range(_TABLE_SIZE)]
    word = np.array([bool(re.match(r"\w", ch)) for ch in chars])
    upper = np.array([ch.isupper() for ch in chars])
    alpha = np.array([ch.isalpha() for ch in chars])
    digit = np.array([ch.isdigit() for ch in chars])
    punct = np.array([not (ch.isalnum() or ch.isspace()) for ch in chars])
    return word, upper, alpha, digit, punct


_IS_WORD, _IS_UPPER, _IS_ALPHA, _IS_DIGIT, _IS_PUNCT = _char_tables()
_CLASS_BITS = np.array([[(code >> bit) & 1 for bit in range(4)] for code in range(16)], dtype=np.float64)
"""Rows: a 4-bit character class code (digit, upper, alpha, punct); columns: its bits."""
_CLASS_CODE = np.concatenate((_IS_DIGIT | _IS_UPPER << 1 | _IS_ALPHA << 2 | _IS_PUNCT << 3, [4])).astype(np.int64)
"""Class code per code point below _TABLE_SIZE; the last entry (alpha) stands for every code point above."""


_POWER_CACHE: list[tuple[np.ndarray, np.ndarray]] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """RADIX**i and RADIX**-i mod 2**32 for i < n; cached and grown by doubling, since every batch needs them."""
    if not _POWER_CACHE or len(_POWER_CACHE[0][0]) < n:
        size = max(n, 2 * len(_POWER_CACHE[0][0]) if _POWER_CACHE else 1 << 16)
        with np.errstate(over="ignore"):
            powers = np.cumprod(np.full(size, _RADIX, dtype=np.uint32), dtype=np.uint32)
            inverse = np.cumprod(np.full(size, _RADIX_INV, dtype=np.uint32), dtype=np.uint32)
        one = np.ones(1, dtype=np.uint32)
        _POWER_CACHE[:] = [(np.concatenate((one, powers[:-1])), np.concatenate((one, inverse[:-1])))]
    powers, inverse = _POWER_CACHE[0]
    return powers[:n], inverse[:n]


def _mix(h: np.ndarray) -> np.ndarray:
    """Finalize polynomial hashes so the low bits (the hashed column) are well spread (murmur3 fmix32)."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint32(16))
        h = h * np.uint32(0x85EBCA6B)
        h = h ^ (h >> np.uint32(13))
        h = h * np.uint32(0xC2B2AE35)
        return h ^ (h >> np.uint32(16))


@dataclass(frozen=True, slots=True)
class _Batch:
    """A batch of paragraphs laid out as one array of code points, with the bookkeeping to hash spans."""

    codes: np.ndarray
    original: np.ndarray
    row: np.ndarray
    prefix: np.ndarray
    inv_pow: np.ndarray
    n_rows: int

    @classmethod
    def of(cls, texts: Sequence[str]) -> _Batch:
        joined = (_SEPARATOR.join(f" {text} " for text in texts) + _SEPARATOR)
        lowered = joined.lower()
        if len(lowered) != len(joined):  # a few characters ("İ") lower-case to two; keep positions aligned
            lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in joined)
        original = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        codes = np.frombuffer(lowered.encode("utf-32-le"), dtype=np.uint32).copy()
        codes[(codes >= ord("1")) & (codes <= ord("9"))] = ord("0")  # all digits alike: "5 CHF" ~ "25 CHF"
        lengths = np.fromiter((len(text) + 3 for text in texts), dtype=np.int64, count=len(texts))
        row = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        powers, inv_pow = _powers(len(codes))
        with np.errstate(over="ignore"):
            prefix = np.concatenate(([np.uint32(0)], np.cumsum(codes * powers, dtype=np.uint32)))
        return cls(codes, original, row, prefix, inv_pow, len(texts))

    def span_hash(self, starts: np.ndarray, ends: np.ndarray, salt: int) -> np.ndarray:
        """Position-independent hash of codes[start:end] for many spans at once."""
        with np.errstate(over="ignore"):
            h = (self.prefix[ends] - self.prefix[starts]) * self.inv_pow[starts]
            return _mix(h + np.uint32(salt & _MASK32))


def _char_ngrams(batch: _Batch, config: FeatureConfig) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of every character n-gram that stays inside its paragraph; slices, no gathers."""
    n = len(batch.codes)
    sep_prefix = np.concatenate(([0], np.cumsum(batch.codes == ord(_SEPARATOR), dtype=np.int32)))
    rows, cols = [], []
    mask = np.uint32((1 << config.char_bits) - 1)
    for size in range(config.char_min, config.char_max + 1):
        count = n - size + 1
        if count <= 0:
            continue
        inside = sep_prefix[size:] == sep_prefix[:count]
        with np.errstate(over="ignore"):
            raw = (batch.prefix[size:] - batch.prefix[:count]) * batch.inv_pow[:count] + np.uint32(size * 0x51ED27)
        rows.append(batch.row[:count][inside])
        cols.append((_mix(raw[inside]) & mask).astype(np.int32))
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int32)
    return np.concatenate(rows), np.concatenate(cols)


def _word_spans(batch: _Batch) -> tuple[np.ndarray, np.ndarray]:
    codes = batch.codes
    in_table = codes < _TABLE_SIZE
    is_word = np.where(in_table, _IS_WORD[np.minimum(codes, _TABLE_SIZE - 1)], True)
    prev = np.concatenate(([False], is_word[:-1]))
    nxt = np.concatenate((is_word[1:], [False]))
    return np.flatnonzero(is_word & ~prev), np.flatnonzero(is_word & ~nxt) + 1


def _word_ngrams(batch: _Batch, config: FeatureConfig, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mask = np.uint32((1 << config.word_bits) - 1)
    hashes = batch.span_hash(starts, ends, 0x7A11)
    rows = [batch.row[starts]]
    cols = [(hashes & mask).astype(np.int32)]
    if config.word_bigrams and len(hashes) > 1:
        same = rows[0][1:] == rows[0][:-1]
        with np.errstate(over="ignore"):
            pair = _mix(hashes[:-1] * np.uint32(0x27D4EB2F) + hashes[1:])
        rows.append(rows[0][1:][same])
        cols.append((pair[same] & mask).astype(np.int32))
    return np.concatenate(rows), np.concatenate(cols)


@lru_cache(maxsize=16384)
def _token_columns(tokens: tuple[str, ...], links: int, mask: int) -> tuple[int, ...]:
    """Hashed columns of a block's structure tokens; cached: a page's blocks share a few contexts."""
    return tuple(zlib.crc32(token.encode()) & mask for token in (*tokens, f"links:{links}"))


def _struct_tokens(paragraphs: Sequence[Paragraph], config: FeatureConfig) -> tuple[np.ndarray, np.ndarray]:
    rows: list[int] = []
    cols: list[int] = []
    mask = (1 << config.struct_bits) - 1
    for index, paragraph in enumerate(paragraphs):
        structure = paragraph.structure
        if structure is None:
            continue
        columns = _token_columns(structure.tokens, min(4, int(structure.link_density * 5)), mask)
        rows.extend([index] * len(columns))
        cols.extend(columns)
    return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int32)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where each paragraph of a batch sits in its page: index, page length, page median length.

    Batches may hold several pages or a chunk of one; features depend on the page, not the batch.
    """

    position: np.ndarray
    total: np.ndarray
    median_chars: np.ndarray

    @classmethod
    def of_pages(cls, pages: Sequence[Sequence[Paragraph]]) -> Placement:
        position = np.concatenate([np.arange(len(page)) for page in pages]) if pages else np.zeros(0)
        total = np.concatenate([np.full(len(page), len(page)) for page in pages]) if pages else np.zeros(0)
        median = np.concatenate([np.full(len(page), page_median_chars(page)) for page in pages]) if pages else np.zeros(0)
        return cls(position.astype(np.float64), total.astype(np.float64), median.astype(np.float64))

    @classmethod
    def of_page_lengths(cls, chars: np.ndarray) -> Placement:
        """One whole page whose paragraphs have these lengths (in characters)."""
        n = len(chars)
        return cls(np.arange(n, dtype=np.float64), np.full(n, float(n)), np.full(n, _median(chars)))

    def __getitem__(self, rows: slice) -> Placement:
        return Placement(self.position[rows], self.total[rows], self.median_chars[rows])


GROUPS = ("char", "word", "struct")
"""The hashed feature groups, in column order; each is L2-normalized on its own."""


@dataclass(frozen=True, slots=True)
class HashedFeatures:
    """A batch's features: the (row, column) of every hashed n-gram and structure token occurrence, and
    the dense layout features (one row per paragraph). Training turns them into a count matrix
    (:meth:`counts`); prediction scores them directly (:func:`hashed_scores`)."""

    rows: np.ndarray
    cols: np.ndarray
    dense: np.ndarray
    n_columns: int

    @property
    def n_rows(self) -> int:
        return len(self.dense)

    def counts(self) -> sp.csr_matrix:
        """Term counts, one row per paragraph."""
        distinct_rows, distinct_cols, counts = _distinct_pairs(self.rows, self.cols, self.n_rows, self.n_columns)
        indptr = np.searchsorted(distinct_rows, np.arange(self.n_rows + 1))
        return sp.csr_matrix((counts, distinct_cols, indptr), shape=(self.n_rows, self.n_columns))


def featurize(
    paragraphs: Sequence[Paragraph], config: FeatureConfig, placement: Placement | None = None
) -> HashedFeatures:
    """Hashed n-gram and structure occurrences of the paragraphs and their dense layout features.

    ``placement`` places the paragraphs in their pages (default: they are one whole page), so pages
    featurized in batches or chunks get exactly the features they would get one by one.
    """
    texts = [_head_and_tail(paragraph.text, config.max_chars) for paragraph in paragraphs]
    batch = _Batch.of(texts)
    char_rows, char_cols = _char_ngrams(batch, config)
    word_starts, word_ends = _word_spans(batch)
    word_rows, word_cols = _word_ngrams(batch, config, word_starts, word_ends)
    struct_rows, struct_cols = _struct_tokens(paragraphs, config)
    _, word_offset, struct_offset, n_columns = config.offsets
    rows = np.concatenate((char_rows, word_rows, struct_rows))
    cols = np.concatenate((char_cols, word_cols + np.int32(word_offset), struct_cols + np.int32(struct_offset)))
    placement = placement or Placement.of_pages([paragraphs])
    return HashedFeatures(rows, cols, _dense(paragraphs, texts, batch, word_starts, word_ends, placement), n_columns)


def hashed_counts(
    paragraphs: Sequence[Paragraph], config: FeatureConfig, placement: Placement | None = None
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Term counts of all hashed feature groups (one row per paragraph) and the dense layout features."""
    features = featurize(paragraphs, config, placement)
    return features.counts(), features.dense


def page_median_chars(paragraphs: Sequence[Paragraph]) -> float:
    """The page's median paragraph length (the reference of the relative-length feature)."""
    return _median(np.array([len(p.text) for p in paragraphs], dtype=np.float64))


def _median(values: np.ndarray) -> float:
    """np.median's value (mean of the two middle values), without its overhead on small arrays; 0 if empty."""
    if not len(values):
        return 0.0
    ordered = np.sort(values)
    return float((ordered[(len(ordered) - 1) // 2] + ordered[len(ordered) // 2]) / 2)


def _head_and_tail(text: str, limit: int) -> str:
    """A long paragraph's start and end (where calls to action sit), ``limit`` characters in all."""
    if len(text) <= limit:
        return text
    tail = limit * 3 // 10
    return f"{text[:limit - tail - 1]} {text[-tail:]}"


def _distinct_pairs(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (row, col) pairs in row-major order and how often each occurs, by one sort of keys
    ``row << COL_BITS | col``: 32-bit when the batch is small enough (the usual case), which numpy sorts
    several times faster than 64-bit keys."""
    col_bits = max(1, int(n_cols - 1).bit_length())
    dtype = np.uint32 if (n_rows << col_bits) < 2**32 else np.uint64
    keys = np.sort((rows.astype(dtype) << dtype(col_bits)) | cols.astype(dtype))
    if not len(keys):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    first = np.empty(len(keys), dtype=bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    unique = keys[starts]
    counts = np.diff(np.append(starts, len(keys))).astype(np.float32)
    return (unique >> dtype(col_bits)).astype(np.int64), (unique & dtype((1 << col_bits) - 1)).astype(np.int32), counts


def _dense(
    paragraphs: Sequence[Paragraph],
    texts: Sequence[str],
    batch: _Batch,
    word_starts: np.ndarray,
    word_ends: np.ndarray,
    placement: Placement,
) -> np.ndarray:
    """Layout features that n-grams cannot see: length, position, character-class shares, link density."""
    n = len(paragraphs)
    out = np.zeros((n, len(DENSE_NAMES)), dtype=np.float64)
    if n == 0:
        return out
    original = batch.original
    n_chars = np.fromiter((len(t) for t in texts), dtype=np.float64, count=n)
    full_chars = np.fromiter((len(p.text) for p in paragraphs), dtype=np.float64, count=n)
    safe_chars = np.maximum(n_chars, 1.0)
    codes = _CLASS_CODE[np.minimum(original, _TABLE_SIZE)]
    per_class = np.bincount(batch.row * 16 + codes, minlength=16 * n).reshape(n, 16) @ _CLASS_BITS
    digits, uppers, alphas, puncts = per_class.T
    word_rows = batch.row[word_starts]
    n_words = np.bincount(word_rows, minlength=n).astype(np.float64)
    word_chars = np.bincount(word_rows, weights=(word_ends - word_starts), minlength=n)
    capitalized = np.bincount(word_rows, weights=(_IS_UPPER[np.minimum(original[word_starts], _TABLE_SIZE - 1)]), minlength=n)
    letters = np.maximum(alphas, 1.0)
    out[:, 0] = np.log1p(full_chars)
    out[:, 1] = np.log1p(n_words)
    out[:, 2] = digits / safe_chars
    out[:, 3] = uppers / letters
    out[:, 4] = puncts / safe_chars
    out[:, 5] = [t[-1:] in _SENTENCE_END for t in texts]
    out[:, 9] = [t[:1].isupper() for t in texts]
    out[:, 10] = word_chars / np.maximum(n_words, 1.0)
    if any(p.structure is not None for p in paragraphs):
        for index, paragraph in enumerate(paragraphs):
            if paragraph.structure is not None:
                out[index, 11] = paragraph.structure.link_density
                out[index, 12] = 1.0
                out[index, 13] = paragraph.structure.heading > 0
    out[:, 15] = capitalized / np.maximum(n_words, 1.0)
    _place(out, _line_spans(paragraphs), placement)
    return out


PLACED_COLUMNS = tuple(DENSE_NAMES.index(name) for name in (
    "rel_position", "log_from_start", "log_from_end", "log_lines", "log_doc_paragraphs", "log_len_vs_doc"))
"""The layout features that depend on the page around a paragraph (and its line breaks), not on its text."""
_LOG_CHARS = DENSE_NAMES.index("log_chars")


def _line_spans(paragraphs: Sequence[Paragraph]) -> np.ndarray:
    """Input lines each text paragraph spans beyond its first (hard-wrapped text); 0 for HTML blocks."""
    return np.array([(p.end_line - p.start_line) if p.structure is None and p.start_line is not None and p.end_line is not None
                     else 0 for p in paragraphs], dtype=np.float64)


def _place(out: np.ndarray, spans: np.ndarray, placement: Placement) -> None:
    position, total = placement.position, placement.total
    rel_position, from_start, from_end, lines, doc_paragraphs, len_vs_doc = PLACED_COLUMNS
    out[:, rel_position] = position / np.maximum(1, total - 1)
    out[:, from_start] = np.log1p(position)
    out[:, from_end] = np.log1p(np.maximum(total - 1 - position, 0))
    out[:, lines] = np.log1p(spans)
    out[:, doc_paragraphs] = np.log1p(total)
    out[:, len_vs_doc] = out[:, _LOG_CHARS] - np.log1p(placement.median_chars)


def relocate(dense: np.ndarray, spans: np.ndarray, placement: Placement) -> np.ndarray:
    """The layout features of already featurized paragraphs put on another page with other line
    breaks (e.g. a page's kept paragraphs, read back from the cleaned text): only those columns change."""
    out = dense.copy()
    _place(out, spans, placement)
    return out


def tfidf(counts: sp.csr_matrix, idf: np.ndarray, config: FeatureConfig) -> sp.csr_matrix:
    """Sublinear TF times IDF, L2-normalized within each feature group (chars, words, structure)."""
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    data, slot, norms = _tfidf_parts(rows, counts.indices, counts.data, idf, config, counts.shape[0])
    data /= norms[slot]
    return sp.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)


def _tfidf_parts(rows: np.ndarray, cols: np.ndarray, tf: np.ndarray, idf: np.ndarray, config: FeatureConfig,
                 n_rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(1 + log tf) * idf of distinct (row, column) pairs, each pair's (row, group) slot, and the L2 norm
    of every slot (1 where empty)."""
    data = ((1.0 + np.log(tf)) * idf[cols]).astype(np.float32)
    _, word_offset, struct_offset, _ = config.offsets
    slot = rows * len(GROUPS) + (cols >= word_offset) + (cols >= struct_offset)
    norms = np.sqrt(np.bincount(slot, weights=data * data, minlength=len(GROUPS) * n_rows))
    norms[norms == 0] = 1.0
    return data, slot, norms


def hashed_scores(features: HashedFeatures, idf: np.ndarray, weights: np.ndarray, config: FeatureConfig) -> np.ndarray:
    """The hashed part of the linear scores, ``tfidf(features.counts()) @ weights``, without building the
    count matrix: the distinct pairs go into one sparse matrix with a row per (paragraph, group), whose
    product with the weights is divided by the group norms afterwards (a few numbers per paragraph)."""
    n = features.n_rows
    distinct_rows, distinct_cols, counts = _distinct_pairs(features.rows, features.cols, n, features.n_columns)
    data, slot, norms = _tfidf_parts(distinct_rows, distinct_cols, counts, idf, config, n)
    indptr = np.searchsorted(slot, np.arange(len(norms) + 1))  # pairs are sorted by row, then column: slots ascend
    per_group = sp.csr_matrix((data, distinct_cols, indptr), shape=(len(norms), features.n_columns)) @ weights
    return (np.asarray(per_group) / norms[:, None]).reshape(n, len(GROUPS), weights.shape[1]).sum(axis=1)
