"""The paragraph value object passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field

from .labels import LABELS, Label


@dataclass(frozen=True, slots=True)
class Structure:
    """Structural signals of an HTML block, the cues the model uses besides the words.

    ``tokens`` holds the block tag, the nearby ancestors' tags, landmark flags (``in:figure``…) and
    class/id tokens (``cls:comment``…), so the featurizer can hash them like words.
    """

    tag: str
    tokens: tuple[str, ...]
    link_density: float
    heading: int = 0


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph (text block) of a page; immutable, labelled copies come from :meth:`labelled`.

    ``start_line``/``end_line`` are 1-based input lines for text input and ``None`` for HTML input,
    whose blocks have ``structure`` instead.
    """

    text: str
    start_line: int | None = None
    end_line: int | None = None
    structure: Structure | None = None
    scores: tuple[float, ...] = field(default=())

    @property
    def label(self) -> Label:
        """The most probable label; only classified paragraphs have one."""
        if not self.scores:
            raise ValueError("paragraph has not been classified")
        return LABELS[self.scores.index(max(self.scores))]

    @property
    def confidence(self) -> float:
        """The probability of :attr:`label`."""
        return max(self.scores) if self.scores else 0.0

    @property
    def score_map(self) -> dict[str, float]:
        """Per-label probabilities keyed by label name (the JSON output's ``scores``)."""
        return {label.value: score for label, score in zip(LABELS, self.scores)}

    def labelled(self, scores: tuple[float, ...]) -> Paragraph:
        """A copy carrying the model's per-label probabilities (in :data:`LABELS` order)."""
        return Paragraph(self.text, self.start_line, self.end_line, self.structure, scores)  # faster than replace()
