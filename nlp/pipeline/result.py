"""What ``analyze_records`` returns: plain dataclasses, and the JSON contract of ``frictionmap analyze``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass
class UnitResult:
    row: int
    start: int
    end: int
    text: str
    language: str
    sentiment: str | None = None
    emotion: str | None = None
    stage: str | None = None
    pain_point: str | None = None
    opportunity: str | None = None
    similarity: float | None = None  # cosine to its pain point / opportunity centroid
    # tagging details (issue 4); None without a tagger
    stage_confidence: float | None = None
    sentiment_score: float | None = None
    emotion_confidence: float | None = None
    effort: bool | None = None
    effort_type: str | None = None


@dataclass
class Theme:
    """A pain point (or an opportunity: same shape)."""

    id: str
    label: str
    keyphrases: list[str]
    size: int
    stage: str | None
    sentiment: str | None
    quotes: list[str]
    languages: dict[str, float] = field(default_factory=dict)
    quote_units: list[int] = field(default_factory=list)  # indices into AnalysisResult.units
    # aggregate of the members' tags (nlp.tagging.aggregate.PainPointTags as a dict); None without a tagger
    tags: dict[str, Any] | None = None
    name: str = ""  # natural phrase in the output language (nlp.themes.naming)
    names: dict[str, str] = field(default_factory=dict)  # language -> name, each language it has units in
    priority: float | None = None  # the service's priority score (0..100), nlp.scoring.priority
    score: dict[str, Any] | None = None  # PriorityResult.to_dict(): components, trend, impacts (as the API)
    theme: str | None = None  # id of its parent theme (ThemeGroup)


@dataclass
class ThemeGroup:
    """A parent theme: pain points (or opportunities) about one subject (nlp.themes.hierarchy)."""

    id: str  # th-N for pain points, ot-N for opportunities
    kind: str
    name: str
    names: dict[str, str]
    pain_points: list[str]  # its pain points (or opportunities), by priority
    size: int  # units
    items: int  # documents with at least one of its units
    languages: dict[str, float] = field(default_factory=dict)
    sentiment: float | None = None  # mean sentiment score of its units (None without a tagger)
    stage_mix: dict[str, float] = field(default_factory=dict)  # share of its units per journey stage
    priority: float | None = None
    score: dict[str, Any] | None = None


@dataclass
class DocumentResult:
    row: int
    id: str | None
    language: str
    sentiment: str | None
    stage: str | None
    pain_points: list[str]  # most relevant first
    opportunities: list[str] = field(default_factory=list)
    emotion: str | None = None
    effort: bool | None = None  # any unit of the item reports effort


@dataclass
class AnalysisResult:
    pain_points: list[Theme]
    opportunities: list[Theme]
    documents: list[DocumentResult]
    units: list[UnitResult]
    model_id: str
    embeddings: np.ndarray  # (n_units, dim) raw unit vectors, rows aligned with ``units`` (store these)
    centroids: dict[str, np.ndarray] = field(
        default_factory=dict
    )  # theme id -> centroid (contextualized space)
    timings: dict[str, float] = field(default_factory=dict)
    stage_effort: list[dict[str, Any]] = field(default_factory=list)  # effort share per journey stage
    themes: list[ThemeGroup] = field(default_factory=list)  # parent themes, by priority
    # Whether the text sentiment was adapted from the file's rated items (nlp/tagging/adaptation.py), on how
    # many, and its held-out gain; None without a tagger.
    sentiment_adaptation: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``frictionmap analyze`` JSON contract (issue 3; priority, names and opportunities: issue 11).

        Pain points and opportunities are listed by priority, highest first; every document and unit names
        its pain points and its opportunities.
        """

        def theme(t: Theme) -> dict[str, Any]:
            d = asdict(t)
            d.pop("quote_units")
            return d

        units = []
        for u in self.units:
            d = asdict(u)
            d.pop("similarity")
            units.append(d)
        return {
            "pain_points": [theme(t) for t in self.pain_points],
            "opportunities": [theme(t) for t in self.opportunities],
            "documents": [asdict(doc) for doc in self.documents],
            "units": units,
            "stage_effort": self.stage_effort,
            "themes": [asdict(t) for t in self.themes],
            "sentiment_adaptation": self.sentiment_adaptation,
        }
