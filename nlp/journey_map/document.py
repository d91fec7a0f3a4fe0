"""The ``json`` format: ``to_json`` returns a dict valid against ``JourneyMapDocument``.

Its JSON Schema is served in the OpenAPI docs; ``schema_version`` changes when a field changes meaning.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel

from nlp.journey_map.build import JourneyMap, MapPainPoint

SCHEMA_VERSION = "1.0"


class TouchpointJson(BaseModel):
    touchpoint: str
    items: int


class PainPointJson(BaseModel):
    id: str
    label: str
    stage: str
    kind: Literal["pain_point", "opportunity"]
    priority: float
    items: int
    share: float
    mean_sentiment: float | None
    trend_ratio: float | None
    emerging: bool
    impact: float | None
    status: str
    keyphrases: list[str]
    segments: list[str]
    quote: str | None


class StageJson(BaseModel):
    id: str
    label: str
    order: int
    items: int
    units: int
    touchpoints: list[TouchpointJson]
    emotion: float | None
    kpis: dict[str, float | None]
    moment_of_truth: bool
    pain_points: list[PainPointJson]
    opportunities: list[PainPointJson]


class MomentJson(BaseModel):
    stage: str
    reason: Literal["sentiment_drop", "highest_impact"]
    value: float
    explanation: str


class JourneyMapDocument(BaseModel):
    """The ``format=json`` journey map. ``emotion`` is the stage's mean sentiment (-1..1); ``kpis`` holds
    ``mean_rating`` (1..5), ``nps`` (-100..100) and ``effort_share`` (0..1), null when no data."""

    schema_version: str
    title: str
    generated_at: str
    filters: dict[str, str]
    total_items: int
    stages: list[StageJson]
    moments_of_truth: list[MomentJson]


def round_or_none(x: float | None, nd: int = 4) -> float | None:
    """Rounded for output, ``None`` for missing or NaN (JSON has no NaN); the csv renderer uses it too."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), nd)


def _pp_json(p: MapPainPoint) -> dict[str, Any]:
    return {
        "id": p.id,
        "label": p.label,
        "stage": p.stage,
        "kind": p.kind,
        "priority": round(p.priority, 2),
        "items": p.n_items,
        "share": round_or_none(p.share),
        "mean_sentiment": round_or_none(p.mean_sentiment),
        "trend_ratio": round_or_none(p.trend_ratio),
        "emerging": p.emerging,
        "impact": round_or_none(p.impact),
        "status": p.status,
        "keyphrases": list(p.keyphrases),
        "segments": list(p.segments),
        "quote": p.quote,
    }


def to_json(jm: JourneyMap) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "title": jm.title,
        "generated_at": jm.generated_at.isoformat(),
        "filters": jm.filters,
        "total_items": jm.total_items,
        "stages": [
            {
                "id": s.id,
                "label": s.label,
                "order": s.order,
                "items": s.n_items,
                "units": s.n_units,
                "touchpoints": [{"touchpoint": t, "items": n} for t, n in s.touchpoints],
                "emotion": round_or_none(s.emotion),
                "kpis": {
                    "mean_rating": round_or_none(s.mean_rating, 3),
                    "nps": round_or_none(s.nps, 1),
                    "effort_share": round_or_none(s.effort_share),
                },
                "moment_of_truth": s.moment_of_truth,
                "pain_points": [_pp_json(p) for p in s.pain_points],
                "opportunities": [_pp_json(o) for o in s.opportunities],
            }
            for s in jm.stages
        ],
        "moments_of_truth": [
            {"stage": m.stage, "reason": m.reason, "value": m.value, "explanation": m.explanation}
            for m in jm.moments_of_truth
        ],
    }
