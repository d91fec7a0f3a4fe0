"""Journey map assembly: stages in taxonomy order with their layers, and the moments of truth.

The map is assembled from plain aggregates (the service computes them from the database, a notebook can
compute them from a DataFrame) so the same renderers (:mod:`.document`, :mod:`.renderers`, :mod:`.html`)
serve the API and the command line.

Layers per stage, in taxonomy order: touchpoints with volumes, the emotion curve (mean sentiment of the
stage's opinion units, -1..1), KPIs (mean rating, NPS, effort share), top pain points by priority and
opportunities (positive clusters). "Moments of truth" flag the stage where mean sentiment drops most from
the previous stage and the stage whose pain points cost the most KPI (sum of impact × share of feedback).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

from nlp.i18n import LANGUAGES
from nlp.journey_map.catalog import moment_explanation, translator

UNASSIGNED_STAGE = "unknown"
#: Items without a channel are counted under this name by the service; no customer met a touchpoint called
#: "unknown", so the map leaves it out of the touchpoint layer (the items still count in the stage's volume).
NO_TOUCHPOINT = "unknown"


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class StageSpec:
    id: str
    label: str


@dataclass(frozen=True)
class StageAggregate:
    stage_id: str
    n_items: int = 0
    n_units: int = 0
    touchpoints: Mapping[str, int] = field(default_factory=dict)
    mean_sentiment: float | None = None
    mean_rating: float | None = None
    nps: float | None = None  # -100 .. 100
    effort_share: float | None = None


@dataclass(frozen=True)
class MapPainPoint:
    id: str
    label: str
    stage: str
    priority: float = 0.0  # 0 .. 100
    n_items: int = 0
    share: float = 0.0
    mean_sentiment: float | None = None
    trend_ratio: float | None = None
    emerging: bool = False
    impact: float | None = None  # KPI drop (rating points) when mentioned, positive = worse
    status: str = "open"
    keyphrases: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()  # channels / personas shown as Mermaid actors
    quote: str | None = None
    kind: Literal["pain_point", "opportunity"] = "pain_point"


# ---------------------------------------------------------------- assembled map


@dataclass(frozen=True)
class MomentOfTruth:
    stage: str
    reason: Literal["sentiment_drop", "highest_impact"]
    value: float
    explanation: str  # in the map's language (``build_journey_map(lang=...)``)
    previous_stage: str | None = None  # the stage before a sentiment drop, for pages in other languages


@dataclass(frozen=True)
class MapStage:
    id: str
    label: str
    order: int
    n_items: int
    n_units: int
    touchpoints: list[tuple[str, int]]
    emotion: float | None
    mean_rating: float | None
    nps: float | None
    effort_share: float | None
    pain_points: list[MapPainPoint]
    opportunities: list[MapPainPoint]
    moment_of_truth: bool = False


@dataclass(frozen=True)
class JourneyMap:
    title: str
    generated_at: datetime
    filters: dict[str, str]
    stages: list[MapStage]
    moments_of_truth: list[MomentOfTruth]
    total_items: int
    lang: str = "en"  # the language of its labels and explanations; renderers write their words in it


def build_journey_map(
    stages: Sequence[StageSpec],
    aggregates: Mapping[str, StageAggregate],
    pain_points: Sequence[MapPainPoint],
    opportunities: Sequence[MapPainPoint] = (),
    *,
    title: str = "Customer journey",
    top_n: int = 5,
    filters: Mapping[str, str] | None = None,
    generated_at: datetime | None = None,
    total_items: int | None = None,
    lang: str = "en",
) -> JourneyMap:
    """Stages in the given (taxonomy) order; anything on an unknown stage goes to a trailing stage.

    ``stages`` carry their labels in ``lang`` already (the taxonomy is bilingual); ``lang`` names the
    trailing Unassigned stage and words the moments of truth, so every renderer reads one language."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}")
    known = {s.id for s in stages}
    specs = list(stages)
    has_unassigned = any(p.stage not in known for p in [*pain_points, *opportunities]) or any(
        k not in known and (a.n_items or a.n_units) for k, a in aggregates.items()
    )
    if has_unassigned:
        specs.append(StageSpec(UNASSIGNED_STAGE, translator(lang)("unassigned")))

    def stage_of(p: MapPainPoint) -> str:
        return p.stage if p.stage in known else UNASSIGNED_STAGE

    out: list[MapStage] = []
    for order, spec in enumerate(specs):
        agg = aggregates.get(spec.id, StageAggregate(spec.id))
        if spec.id == UNASSIGNED_STAGE:
            agg = _merge_unknown([a for k, a in aggregates.items() if k not in known])
        pps = sorted(
            (p for p in pain_points if stage_of(p) == spec.id), key=lambda p: (-p.priority, -p.n_items, p.id)
        )[:top_n]
        opps = sorted(
            (o for o in opportunities if stage_of(o) == spec.id),
            key=lambda p: (-p.n_items, -p.priority, p.id),
        )[:top_n]
        out.append(
            MapStage(
                id=spec.id,
                label=spec.label,
                order=order,
                n_items=agg.n_items,
                n_units=agg.n_units,
                touchpoints=sorted(
                    ((t, n) for t, n in agg.touchpoints.items() if t and t != NO_TOUCHPOINT),
                    key=lambda kv: (-kv[1], kv[0]),
                ),
                emotion=agg.mean_sentiment,
                mean_rating=agg.mean_rating,
                nps=agg.nps,
                effort_share=agg.effort_share,
                pain_points=pps,
                opportunities=opps,
            )
        )
    moments = moments_of_truth(out, pain_points, known, lang)
    flagged = {m.stage for m in moments}
    out = [_with_flag(s, s.id in flagged) for s in out]
    return JourneyMap(
        title=title,
        generated_at=generated_at or datetime.now(UTC),
        filters=dict(filters or {}),
        stages=out,
        moments_of_truth=moments,
        total_items=total_items if total_items is not None else sum(s.n_items for s in out),
        lang=lang,
    )


def _merge_unknown(aggs: Sequence[StageAggregate]) -> StageAggregate:
    """One aggregate for every stage the taxonomy does not know, KPIs included.

    A single unknown stage (the usual case: the service's ``unknown``) is kept as it is. Several are merged
    with item-weighted rating and NPS and unit-weighted sentiment and effort: the per-stage counts of rated
    items are not part of ``StageAggregate``, so item counts are the closest weights available.
    """
    if not aggs:
        return StageAggregate(UNASSIGNED_STAGE)
    if len(aggs) == 1:
        return replace(aggs[0], stage_id=UNASSIGNED_STAGE)
    touch: dict[str, int] = {}
    for a in aggs:
        for k, v in a.touchpoints.items():
            touch[k] = touch.get(k, 0) + v
    return StageAggregate(
        UNASSIGNED_STAGE,
        sum(a.n_items for a in aggs),
        sum(a.n_units for a in aggs),
        touch,
        _weighted([(a.mean_sentiment, a.n_units) for a in aggs]),
        _weighted([(a.mean_rating, a.n_items) for a in aggs]),
        _weighted([(a.nps, a.n_items) for a in aggs]),
        _weighted([(a.effort_share, a.n_units) for a in aggs]),
    )


def _weighted(values: Sequence[tuple[float | None, int]]) -> float | None:
    known = [(v, w) for v, w in values if v is not None and w > 0]
    total = sum(w for _, w in known)
    return sum(v * w for v, w in known) / total if total else None


def _with_flag(stage: MapStage, flag: bool) -> MapStage:
    if stage.moment_of_truth == flag:
        return stage
    return MapStage(**{**stage.__dict__, "moment_of_truth": flag})


def moments_of_truth(
    stages: Sequence[MapStage], pain_points: Sequence[MapPainPoint], known: set[str], lang: str = "en"
) -> list[MomentOfTruth]:
    """The stage with the steepest sentiment drop, and the one whose pain points cost the most KPI."""
    moments: list[MomentOfTruth] = []
    prev: MapStage | None = None
    best_drop: tuple[float, MapStage, MapStage] | None = None
    for s in stages:
        if s.id == UNASSIGNED_STAGE or s.emotion is None:
            continue
        if prev is not None and prev.emotion is not None:
            drop = prev.emotion - s.emotion
            if drop > 0 and (best_drop is None or drop > best_drop[0]):
                best_drop = (drop, prev, s)
        prev = s
    if best_drop is not None:
        drop, before, at = best_drop
        moments.append(
            MomentOfTruth(
                at.id,
                "sentiment_drop",
                round(drop, 4),
                moment_explanation("sentiment_drop", drop, at.label, before.label, lang),
                previous_stage=before.id,
            )
        )
    cost: dict[str, float] = {}
    for p in pain_points:
        if p.stage in known and p.impact is not None and p.impact > 0:
            cost[p.stage] = cost.get(p.stage, 0.0) + p.impact * p.share
    if cost:
        stage_id, value = max(cost.items(), key=lambda kv: (kv[1], kv[0]))
        label = next((s.label for s in stages if s.id == stage_id), stage_id)
        moments.append(
            MomentOfTruth(
                stage_id,
                "highest_impact",
                round(value, 4),
                moment_explanation("highest_impact", value, label, None, lang),
            )
        )
    return moments
