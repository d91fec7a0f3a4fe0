"""The ``json`` format: ``to_json`` returns a dict valid against ``JourneyMapDocument``.

Its JSON Schema is served in the OpenAPI docs; ``schema_version`` changes when a field changes meaning.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, Field

from nlp.journey_map.build import JourneyMap, MapPainPoint

SCHEMA_VERSION = "1.0"


class TouchpointJson(BaseModel):
    """Volume of one touchpoint at a stage."""

    touchpoint: str = Field(description="Channel or touchpoint (web, app, store...).")
    items: int = Field(description="Feedback items of the stage from it.")


class PainPointJson(BaseModel):
    """A pain point or opportunity as placed on the map."""

    id: str = Field(description="Pain point id.")
    label: str = Field(description="Its name.")
    stage: str = Field(description="Stage id it sits on (`unknown` when unassigned).")
    kind: Literal["pain_point", "opportunity"] = Field(description="`pain_point` or `opportunity`.")
    priority: float = Field(description="Priority score, 0 to 100.")
    items: int = Field(description="Feedback items that mention it.")
    share: float = Field(description="Share of the feedback in scope that mentions it, 0 to 1.")
    mean_sentiment: float | None = Field(description="Mean sentiment of its mentions, −1 to +1.")
    trend_ratio: float | None = Field(description="Recent share ÷ baseline share; above 1 means growing.")
    emerging: bool = Field(description="True when its growth is significant.")
    impact: float | None = Field(description="Rating points lost when it is mentioned (positive = worse).")
    status: str = Field(description="`open`, `in_progress` or `resolved`.")
    keyphrases: list[str] = Field(description="Words and phrases that characterise it.")
    segments: list[str] = Field(description="Main channels or segments it comes from.")
    quote: str | None = Field(description="A representative verbatim.")


class StageJson(BaseModel):
    """One stage of the map with its layers."""

    id: str = Field(description="Stage id (`unknown` for the Unassigned column).")
    label: str = Field(description="Stage name in the map's language (`lang`).")
    order: int = Field(description="Position in the journey, from 0.")
    items: int = Field(description="Feedback items with an opinion on this stage.")
    units: int = Field(description="Opinion units tagged with this stage.")
    touchpoints: list[TouchpointJson] = Field(
        description="Touchpoints of the stage's feedback, most frequent first."
    )
    emotion: float | None = Field(
        description="Mean sentiment of the stage's opinion units, −1 to +1: the emotion curve."
    )
    kpis: dict[str, float | None] = Field(
        description="Mean rating, NPS (−100 to 100) and effort share of the stage."
    )
    moment_of_truth: bool = Field(
        description="True when the stage is flagged (see `moments_of_truth` for why)."
    )
    pain_points: list[PainPointJson] = Field(description="Top pain points of the stage by priority.")
    opportunities: list[PainPointJson] = Field(description="Top opportunities of the stage by volume.")


class MomentJson(BaseModel):
    """A moment of truth and why it was flagged."""

    stage: str = Field(description="Stage id flagged.")
    reason: Literal["sentiment_drop", "highest_impact"] = Field(
        description="`sentiment_drop` (steepest fall of the curve) or `highest_impact` (costliest pain"
        " points)."
    )
    value: float = Field(description="The drop in sentiment, or the KPI cost.")
    explanation: str = Field(description="Why, in words, in the map's language (`lang`).")


class JourneyMapDocument(BaseModel):
    """The ``format=json`` journey map. ``emotion`` is the stage's mean sentiment (-1..1); ``kpis`` holds
    ``mean_rating`` (1..5), ``nps`` (-100..100) and ``effort_share`` (0..1), null when no data."""

    schema_version: str = Field(description="Version of this document's shape.")
    title: str = Field(description="Title of the map, in its language (`lang`).")
    generated_at: str = Field(description="When it was drawn (ISO 8601, UTC).")
    filters: dict[str, str] = Field(
        description="Filters applied (channel, source, segment, language, period)."
    )
    total_items: int = Field(description="Feedback items in scope.")
    stages: list[StageJson] = Field(description="Stages in journey order, Unassigned last.")
    moments_of_truth: list[MomentJson] = Field(description="Stages flagged as moments of truth, and why.")


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
