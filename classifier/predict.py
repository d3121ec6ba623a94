"""Stage 3, classify: label paragraphs — per-paragraph scores, then a second pass that reads the neighbours' scores.

Boilerplate comes in runs (a comment widget, a teaser box), comments follow the article and navigation
precedes it, and an advertorial sits between news paragraphs; so the context stage (small boosted trees)
sees each paragraph's own probabilities together with its neighbours' and where it sits relative to the
article. Given the labels a cleaner keeps, the labels are then settled (:func:`settle`)
so that cleaning the cleaned text keeps all of it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from enum import Enum

import numpy as np

from .featurize import Placement, featurize, hashed_scores, relocate
from .labels import LABELS, Label
from .model import Model
from .paragraph import Paragraph

CHUNK_PARAGRAPHS = 4000
CHUNK_CHARS = 2_000_000
"""Paragraphs (and characters) featurized at once: bounds memory on huge pages, keeps numpy batches large."""

CONTEXT_OFFSETS = (-2, -1, 1, 2)
"""Neighbours whose first-stage probabilities the context stage reads one by one."""

CONTEXT_WINDOW = (3, 6)
"""Farther neighbours (this range of offsets, each side) enter as their mean probabilities."""

STRONG_NEWS_CHARS = 150
"""A paragraph this long that stage 1 calls news (p > 0.5) anchors the article: the context stage sees
how far each paragraph is from the nearest such anchor before and after it."""

LENGTH_CAP = 1000
"""Characters counted per paragraph when weighing a page's news mass (one huge block must not be all)."""

SHORT_RUN_CHARS = 100
"""Paragraphs shorter than this form runs: a headline stands alone above its lead, while a teaser list, a
menu or an archive box is a long run of short lines."""

_K = len(LABELS)
CONTEXT_WIDTH = _K + (_K + 1) * len(CONTEXT_OFFSETS) + 2 * (_K + 1) + 2 * _K + 6 + 1 + len(CONTEXT_OFFSETS) + 1
"""Columns of :func:`context_features`: own, near neighbours, windows, label region, news region, length,
the near neighbours' lengths, the short run."""

LOG_FLOOR = 1e-4

CONTEXT_ROWS = 2048
"""Rows of a page scored by the context trees at once: the trees' work arrays are rows × trees."""


class Favor(str, Enum):
    """How sure the cleaner must be to keep a paragraph: the probability its kept labels together must exceed
    (:func:`kept_mask`). ``balanced`` keeps what is more likely kept than not, the decision that errs least;
    ``precision`` asks for odds of 2 : 1, ``recall`` settles for 1 : 2 (as trafilatura's favor_precision and
    favor_recall trade one for the other). Round odds, not tuned: the held-out report measures each."""

    PRECISION = "precision"
    BALANCED = "balanced"
    RECALL = "recall"

    @property
    def keep_probability(self) -> float:
        return {Favor.PRECISION: 2 / 3, Favor.BALANCED: 1 / 2, Favor.RECALL: 1 / 3}[self]


MAX_SETTLE_ROUNDS = 64
"""Settling rounds per page at most. Each round re-scores the kept paragraphs and drops those that leave the
keep set; a page that sheds one paragraph per round (15,000 copies of one paragraph, the last of which reads as
a page end) would cost rounds × paragraphs, quadratic. Of the 4,639 held-out page renderings 82 % settle within
2 rounds and the slowest needs 46 (a CleanEval forum page); a page with at most this many kept paragraphs always
settles fully."""


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def first_stage_parts(
    paragraphs: Sequence[Paragraph], model: Model, placement: Placement | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The first stage's two inputs, featurized in chunks of bounded size: the hashed n-gram part of the
    logits (n, labels), which depends only on each paragraph's own text and structure, and the raw
    layout features (n, dense), some of which depend on the page around it."""
    placement = placement or Placement.of_pages([paragraphs])
    hashed, dense = [], []
    for start, stop in _chunks(paragraphs, model.config.max_chars):
        features = featurize(paragraphs[start:stop], model.config, placement[start:stop])
        hashed.append(hashed_scores(features, model.idf, model.weights[:model.config.n_hashed], model.config))
        dense.append(features.dense)
    if not hashed:
        return np.zeros((0, len(LABELS))), np.zeros((0, len(model.dense_mean)))
    return np.concatenate(hashed), np.concatenate(dense)


def first_stage_proba(hashed: np.ndarray, dense: np.ndarray, model: Model) -> np.ndarray:
    layout = (dense - model.dense_mean) / model.dense_scale
    return softmax(hashed + layout @ model.weights[model.config.n_hashed:] + model.intercept)


def _chunks(paragraphs: Sequence[Paragraph], max_chars: int) -> list[tuple[int, int]]:
    bounds, start, chars = [], 0, 0
    for index, paragraph in enumerate(paragraphs):
        chars += min(len(paragraph.text), max_chars)
        if index + 1 - start >= CHUNK_PARAGRAPHS or chars >= CHUNK_CHARS:
            bounds.append((start, index + 1))
            start, chars = index + 1, 0
    if start < len(paragraphs):
        bounds.append((start, len(paragraphs)))
    return bounds


def context_features(probabilities: np.ndarray, chars: np.ndarray) -> np.ndarray:
    """The context stage's input for one page, from its first-stage probabilities and paragraph lengths:

    - the paragraph's own log-probabilities;
    - each of the neighbours at :data:`CONTEXT_OFFSETS`: probabilities and a presence flag;
    - the mean probabilities of the farther neighbours in :data:`CONTEXT_WINDOW`, each side, and the share
      of them present;
    - where the paragraph sits among the page's labels: the share of each label's probability mass
      before it and after it (comments follow the article, navigation precedes it);
    - where it sits relative to the article: the share of length-weighted news mass before and after it,
      and the distance (log paragraphs) to the nearest long news paragraph before and after it;
    - its own length and its near neighbours' lengths (log characters; 0 where there is no neighbour);
    - the length of the run of short paragraphs (:data:`SHORT_RUN_CHARS`) it belongs to (log; 0 if long).

    Page-level averages were tried and dropped: they let the stage learn which corpus a page came from.
    Shares within the page do not.
    """
    return PageContext(probabilities, chars).rows(0, len(probabilities))


class PageContext:
    """A page's prefix sums and per-paragraph columns, computed once, so that :meth:`rows` can build the
    context features of any block of rows: huge pages are scored block by block in bounded memory.

    Pages are small and scored several times each (settling), so this is written for few numpy calls
    per page rather than for big arrays."""

    def __init__(self, probabilities: np.ndarray, chars: np.ndarray) -> None:
        n, k = probabilities.shape
        self.probabilities = probabilities
        self.own_log = np.log(np.maximum(probabilities, LOG_FLOOR))  # the first columns, and the pooled evidence
        self.cumulative = np.zeros((n + 1, k))  # one prefix sum serves the windows and the label region
        np.cumsum(probabilities, axis=0, out=self.cumulative[1:])
        self.total = np.maximum(self.cumulative[-1], 1e-9)
        # each paragraph's probabilities, a presence flag and its log length, with zero rows around the page:
        # the neighbours at any offsets are then one gather (no masks); then the columns of its own
        # that do not depend on the neighbours' rows: news region, log length, short run
        self.reach = max(abs(offset) for offset in CONTEXT_OFFSETS)
        self.neighbours = np.zeros((n + 2 * self.reach, k + 2))
        page = self.neighbours[self.reach:self.reach + n]
        page[:, :k] = probabilities
        page[:, k] = 1.0
        page[:, k + 1] = np.log1p(chars)
        self.own = np.empty((n, 8))
        _news_region(probabilities[:, LABELS.index(Label.NEWS)], chars, self.own[:, :6])
        self.own[:, 6] = page[:, k + 1]
        self.own[:, 7] = np.log1p(_short_runs(chars))

    def rows(self, start: int, stop: int) -> np.ndarray:
        """The :data:`CONTEXT_WIDTH` context features of rows ``start:stop`` (see :func:`context_features`)."""
        probabilities, cumulative, total = self.probabilities, self.cumulative, self.total
        n, k = probabilities.shape
        rows = stop - start
        out = np.empty((rows, CONTEXT_WIDTH))
        out[:, :k] = self.own_log[start:stop]
        column = k
        reach, neighbours = self.reach, self.neighbours
        # every near neighbour's row at once: (rows, offsets, k + 2), zeros where there is no neighbour
        near_rows = neighbours[np.add.outer(np.arange(start + reach, stop + reach), _OFFSETS)]
        width = len(CONTEXT_OFFSETS) * (k + 1)
        out[:, column:column + width] = near_rows[:, :, :k + 1].reshape(rows, width)
        column += width
        near, far = CONTEXT_WINDOW
        index = np.arange(start, stop)
        for lo, hi in ((index - far, index - near + 1), (index + near, index + far + 1)):
            np.minimum(np.maximum(lo, 0, out=lo), n, out=lo)
            np.minimum(np.maximum(hi, lo, out=hi), n, out=hi)
            count = hi - lo
            out[:, column:column + k] = (cumulative[hi] - cumulative[lo]) / np.maximum(count, 1)[:, None]
            out[:, column + k] = count * (1.0 / (far - near + 1))
            column += k + 1
        after = cumulative[start + 1:stop + 1]  # each label's page mass strictly before and after
        out[:, column:column + k] = (after - probabilities[start:stop]) / total
        out[:, column + k:column + 2 * k] = (total - after) / total
        column += 2 * k
        out[:, column:column + 7] = self.own[start:stop, :7]
        column += 7
        out[:, column:column + len(CONTEXT_OFFSETS)] = near_rows[:, :, k + 1]
        out[:, column + len(CONTEXT_OFFSETS)] = self.own[start:stop, 7]
        return out


_OFFSETS = np.array(CONTEXT_OFFSETS)


def _short_runs(chars: np.ndarray) -> np.ndarray:
    """For each paragraph, the number of consecutive short paragraphs around it, itself included (0 if long)."""
    short = chars < SHORT_RUN_CHARS
    if not len(short):
        return np.zeros(0)
    starts = np.empty(len(short), dtype=bool)
    starts[0] = True
    np.not_equal(short[1:], short[:-1], out=starts[1:])
    run = np.cumsum(starts) - 1
    return np.where(short, np.bincount(run)[run], 0).astype(np.float64)


def _news_region(news: np.ndarray, chars: np.ndarray, out: np.ndarray) -> None:
    """Into ``out`` (n, 6): length-weighted news mass before/after each paragraph, and log distances to
    the nearest long news paragraph before/after it (log(n) + 1 when there is none); with the minimum of
    each pair."""
    n = len(news)
    if not n:
        return
    mass = news * np.minimum(chars, LENGTH_CAP)
    cumulative = np.cumsum(mass)
    total = max(float(cumulative[-1]), 1e-9)
    np.divide(cumulative - mass, total, out=out[:, 0])
    np.divide(total - cumulative, total, out=out[:, 1])
    np.minimum(out[:, 0], out[:, 1], out=out[:, 2])
    index = np.arange(n)
    anchor = (news > 0.5) & (chars > STRONG_NEWS_CHARS)
    # the nearest anchor strictly before (-1: none) and strictly after (n: none) each paragraph
    previous = np.empty(n, dtype=np.int64)
    previous[0] = -1
    np.maximum.accumulate(np.where(anchor[:-1], index[:-1], -1), out=previous[1:])
    following = np.empty(n, dtype=np.int64)
    following[-1] = n
    following[:-1] = np.minimum.accumulate(np.where(anchor[:0:-1], index[:0:-1], n))[::-1]
    none = np.log1p(n) + 1.0
    out[:, 3] = np.where(previous >= 0, np.log1p(index - previous), none)
    out[:, 4] = np.where(following < n, np.log1p(following - index), none)
    np.minimum(out[:, 3], out[:, 4], out=out[:, 5])


def context_stage(own: np.ndarray, chars: np.ndarray, model: Model) -> np.ndarray:
    """Final probabilities of one page's paragraphs from their first-stage probabilities and lengths.

    Boosted trees over :func:`context_features` (a linear correction cannot say "short, between two
    comment-like neighbours, after the article": the interactions are the point), pooled with the
    paragraph's own first-stage log-probabilities at the weight training chose on held-out pages, so
    strong own evidence ("15 CHF" in a donation box) is not overruled by position alone.
    """
    page = PageContext(own, chars)
    trees = np.empty_like(own)
    for start in range(0, len(own), CONTEXT_ROWS):
        stop = min(len(own), start + CONTEXT_ROWS)
        trees[start:stop] = model.context.raw_scores(page.rows(start, stop))
    return softmax(pooled(trees, page.own_log, model.context_own_weight))


def pooled(trees: np.ndarray, own_log: np.ndarray, weight: float) -> np.ndarray:
    """Log-linear pool of the trees' log-probabilities (from their raw scores) with the paragraph's own
    first-stage log-probabilities: ``(1 - weight) * trees + weight * own`` (unnormalized log scores)."""
    log_trees = trees - trees.max(axis=1, keepdims=True)
    log_trees -= np.log(np.exp(log_trees).sum(axis=1, keepdims=True))
    return (1.0 - weight) * log_trees + weight * own_log


def predict_proba_pages(
    pages: Sequence[Sequence[Paragraph]], model: Model, keep: Collection[Label] | None = None,
    favor: Favor = Favor.BALANCED,
) -> list[np.ndarray]:
    """Final per-label probabilities for several pages at once: one featurization pass over the batch
    (numpy works best on big arrays), then the context stage page by page.

    With ``keep`` (the labels a cleaner keeps), each page's labels are *settled* for it, as sure as ``favor`` asks:
    see :func:`settle`.
    """
    return [modes[0] for modes in predict_proba_modes(pages, model, keep, (favor,))]


def predict_proba_modes(
    pages: Sequence[Sequence[Paragraph]], model: Model, keep: Collection[Label] | None, favors: Sequence[Favor],
) -> list[list[np.ndarray]]:
    """:func:`predict_proba_pages` for several keep modes at once, per page one array per mode in ``favors``'
    order: the page is featurized and scored once, and only settling is repeated per mode (the held-out report
    measures every mode)."""
    flat = [paragraph for page in pages for paragraph in page]
    hashed, dense = first_stage_parts(flat, model, Placement.of_pages(pages))
    out, start = [], 0
    for page in pages:
        rows = slice(start, start + len(page))
        start += len(page)
        chars = np.array([len(paragraph.text) for paragraph in page], dtype=np.float64)
        probabilities = context_stage(first_stage_proba(hashed[rows], dense[rows], model), chars, model)
        out.append([probabilities if keep is None else settle(chars, hashed[rows], dense[rows], probabilities, keep, model, favor)
                    for favor in favors])
    return out


def settle(
    chars: np.ndarray, hashed: np.ndarray, dense: np.ndarray, probabilities: np.ndarray,
    keep: Collection[Label], model: Model, favor: Favor = Favor.BALANCED,
) -> np.ndarray:
    """Decide keep or drop per paragraph (:func:`kept_mask`), then re-classify the kept paragraphs as the page
    they form until none of them leaves ``keep``.

    Cleaning removes neighbours and shifts positions, which the context and layout features see; a
    paragraph kept on the full page could flip on the cleaned one. Settling makes the cleaned text a
    fixed point: cleaning it again keeps all of it. Each round re-scores only page-dependent parts (the
    n-gram scores are reused). The returned probabilities agree with the decision: a paragraph's most likely
    label is in ``keep`` exactly when it is kept (see :func:`_given`). A page still shedding paragraphs after
    :data:`MAX_SETTLE_ROUNDS` rounds keeps what is left: on such pathological pages, bounded time rather than a
    guaranteed fixed point.
    """
    wanted = np.array([label in keep for label in LABELS])
    kept = kept_mask(probabilities, wanted, favor)
    alive = np.flatnonzero(kept)
    for _ in range(MAX_SETTLE_ROUNDS):  # each round drops at least one paragraph, or stops
        if not len(alive):
            break
        # the cleaned text reads back as one line per paragraph: no line spans
        layout = relocate(dense[alive], np.zeros(len(alive)), Placement.of_page_lengths(chars[alive]))
        again = context_stage(first_stage_proba(hashed[alive], layout, model), chars[alive], model)
        dropped = ~kept_mask(again, wanted, favor)
        if not dropped.any():
            break
        kept[alive[dropped]] = False
        alive = alive[~dropped]
    return _given(probabilities, kept, wanted)


def kept_mask(probabilities: np.ndarray, wanted: np.ndarray, favor: Favor = Favor.BALANCED) -> np.ndarray:
    """Which paragraphs to keep: those whose kept labels (``wanted``, a mask over LABELS) together are likelier
    than ``favor`` asks.

    At one half (``balanced``) this is the keep-or-drop decision that errs least, where "the most likely label is
    kept" is not: news at 0.45 against boilerplate 0.30 and teaser 0.25 is more likely furniture than article. On
    the held-out text pages it raised keep(news) F1 from 0.817 to 0.824 (0.11.0's model; 0.10.0's: 0.809 → 0.817),
    at a cost on German real pages, where precision was already high (0.912 → 0.903; README, "What 0.11.0
    changed")."""
    return probabilities[:, wanted].sum(axis=1) > favor.keep_probability


def _given(probabilities: np.ndarray, kept: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The probabilities given the decision: each paragraph's full-page probabilities restricted to the kept labels
    if it is kept, to the others if not, and renormalized; unchanged where they already agree. The full page, with
    its boxes and widgets around, tells *which* furniture a dropped paragraph is better than the cleaned page does.
    A paragraph the settling dropped may have (nearly) no full-page mass outside ``keep``: it gets the others
    evenly."""
    side = np.where(kept[:, None], wanted[None, :], ~wanted[None, :])
    agree = side[np.arange(len(probabilities)), probabilities.argmax(axis=1)] if len(probabilities) else np.zeros(0, dtype=bool)
    if agree.all():
        return probabilities
    conditional = np.where(side, probabilities, 0.0)
    mass = conditional.sum(axis=1, keepdims=True)
    even = side / np.maximum(side.sum(axis=1, keepdims=True), 1)
    given = np.where(mass > 1e-9, conditional / np.maximum(mass, 1e-300), even)
    return np.where(agree[:, None], probabilities, given)


def predict_proba(paragraphs: Sequence[Paragraph], model: Model, keep: Collection[Label] | None = None,
                  favor: Favor = Favor.BALANCED) -> np.ndarray:
    """Final per-label probabilities (n, labels) in Label order."""
    return predict_proba_pages([paragraphs], model, keep, favor)[0]


def predict_pages(
    pages: Sequence[Sequence[Paragraph]], model: Model, keep: Collection[Label] | None = None,
    favor: Favor = Favor.BALANCED,
) -> list[list[Paragraph]]:
    """Labelled copies of several pages' paragraphs (see :func:`predict_proba_pages`)."""
    return [[p.labelled(tuple(row)) for p, row in zip(page, scores.tolist())]
            for page, scores in zip(pages, predict_proba_pages(pages, model, keep, favor))]


def predict(paragraphs: Sequence[Paragraph], model: Model, keep: Collection[Label] | None = None,
            favor: Favor = Favor.BALANCED) -> list[Paragraph]:
    """Labelled copies of the paragraphs."""
    return predict_pages([paragraphs], model, keep, favor)[0]
