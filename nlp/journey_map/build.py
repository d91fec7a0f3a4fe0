"""Journey map assembly and its renderers (json, csv, mermaid, theydo, html).

The map is assembled from plain aggregates (the service computes them from the database, a notebook can
compute them from a DataFrame) so the same renderers serve the API and the command line.

Layers per stage, in taxonomy order: touchpoints with volumes, the emotion curve (mean sentiment of the
stage's opinion units, -1..1), KPIs (mean rating, NPS, effort share), top pain points by priority and
opportunities (positive clusters). "Moments of truth" flag the stage where mean sentiment drops most from
the previous stage and the stage whose pain points cost the most KPI (sum of impact × share of feedback).

Formats:

- ``json`` – ``to_json`` returns a dict valid against ``JourneyMapDocument`` (its JSON Schema is served in
  the OpenAPI docs); ``schema_version`` changes when a field changes meaning.
- ``csv`` – one row per stage × pain point / opportunity (a stage without any still gets one row), stage
  columns repeated so every row stands alone in a spreadsheet or a journey tool's import. Text cells that
  a spreadsheet would run as a formula (``= + - @``, tab, CR) are prefixed with ``'``.
- ``mermaid`` – a Mermaid ``journey`` diagram: ``section <stage>`` then ``<pain point>: <score>: <segments>``.
  Mermaid's score is a *satisfaction* face (1 frowning .. 5 smiling), so the score is the pain point's mean
  sentiment mapped to 1..5 (``round(3 + 2 * sentiment)``), not its priority. Colons, ``#``, ``;`` and
  newlines in labels would break the line grammar and are replaced (``:`` → ``∶``, U+2236).
- ``theydo`` – ``{"insights": [...]}`` in the shape of TheyDo's insight import: ``importKey`` (stable, so a
  re-import updates instead of duplicating), ``title``, ``description``, ``type`` (``Pains`` or
  ``Opportunities``), ``weight`` (1..5 from the priority), ``tags`` and ``groupTags`` carrying the stage.
- ``html`` – one self-contained page (inline CSS and SVG, no script, every text escaped).
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel

SCHEMA_VERSION = "1.0"
UNASSIGNED_STAGE = "unknown"
Format = Literal["json", "csv", "mermaid", "theydo", "html"]
FORMATS: tuple[str, ...] = ("json", "csv", "mermaid", "theydo", "html")
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "mermaid": "text/plain; charset=utf-8",
    "theydo": "application/json",
    "html": "text/html; charset=utf-8",
}


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
    explanation: str


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
) -> JourneyMap:
    """Stages in the given (taxonomy) order; anything on an unknown stage goes to a trailing stage."""
    known = {s.id for s in stages}
    specs = list(stages)
    has_unassigned = any(p.stage not in known for p in [*pain_points, *opportunities]) or any(
        k not in known and (a.n_items or a.n_units) for k, a in aggregates.items()
    )
    if has_unassigned:
        specs.append(StageSpec(UNASSIGNED_STAGE, "Unassigned"))

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
                touchpoints=sorted(agg.touchpoints.items(), key=lambda kv: (-kv[1], kv[0])),
                emotion=agg.mean_sentiment,
                mean_rating=agg.mean_rating,
                nps=agg.nps,
                effort_share=agg.effort_share,
                pain_points=pps,
                opportunities=opps,
            )
        )
    moments = moments_of_truth(out, pain_points, known)
    flagged = {m.stage for m in moments}
    out = [_with_flag(s, s.id in flagged) for s in out]
    return JourneyMap(
        title=title,
        generated_at=generated_at or datetime.now(UTC),
        filters=dict(filters or {}),
        stages=out,
        moments_of_truth=moments,
        total_items=total_items if total_items is not None else sum(s.n_items for s in out),
    )


def _merge_unknown(aggs: Sequence[StageAggregate]) -> StageAggregate:
    if not aggs:
        return StageAggregate(UNASSIGNED_STAGE)
    units = sum(a.n_units for a in aggs)
    touch: dict[str, int] = {}
    for a in aggs:
        for k, v in a.touchpoints.items():
            touch[k] = touch.get(k, 0) + v
    sent = [(a.mean_sentiment, a.n_units) for a in aggs if a.mean_sentiment is not None and a.n_units]
    mean_sent = sum(s * n for s, n in sent) / sum(n for _, n in sent) if sent else None
    return StageAggregate(UNASSIGNED_STAGE, sum(a.n_items for a in aggs), units, touch, mean_sent)


def _with_flag(stage: MapStage, flag: bool) -> MapStage:
    if stage.moment_of_truth == flag:
        return stage
    return MapStage(**{**stage.__dict__, "moment_of_truth": flag})


def moments_of_truth(
    stages: Sequence[MapStage], pain_points: Sequence[MapPainPoint], known: set[str]
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
                f"mean sentiment drops by {drop:.2f} from {before.label} to {at.label}",
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
                f"pain points at {label} cost the most KPI (sum of rating drop × share of feedback)",
            )
        )
    return moments


# ---------------------------------------------------------------- json


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


def _r(x: float | None, nd: int = 4) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), nd)


def _pp_json(p: MapPainPoint) -> dict[str, Any]:
    return {
        "id": p.id,
        "label": p.label,
        "stage": p.stage,
        "kind": p.kind,
        "priority": round(p.priority, 2),
        "items": p.n_items,
        "share": _r(p.share),
        "mean_sentiment": _r(p.mean_sentiment),
        "trend_ratio": _r(p.trend_ratio),
        "emerging": p.emerging,
        "impact": _r(p.impact),
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
                "emotion": _r(s.emotion),
                "kpis": {
                    "mean_rating": _r(s.mean_rating, 3),
                    "nps": _r(s.nps, 1),
                    "effort_share": _r(s.effort_share),
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


# ---------------------------------------------------------------- csv

CSV_COLUMNS = [
    "stage_order",
    "stage_id",
    "stage_label",
    "stage_items",
    "stage_emotion",
    "stage_mean_rating",
    "stage_nps",
    "stage_effort_share",
    "stage_touchpoints",
    "moment_of_truth",
    "kind",
    "rank",
    "id",
    "label",
    "priority",
    "items",
    "share",
    "mean_sentiment",
    "trend_ratio",
    "emerging",
    "impact",
    "status",
    "keyphrases",
    "segments",
]


def _cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in text cells; numbers pass as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def to_csv(jm: JourneyMap) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for s in jm.stages:
        stage_cells = [
            s.order,
            s.id,
            s.label,
            s.n_items,
            _r(s.emotion),
            _r(s.mean_rating, 3),
            _r(s.nps, 1),
            _r(s.effort_share),
            "; ".join(f"{t} ({n})" for t, n in s.touchpoints),
            s.moment_of_truth,
        ]
        rows = [(p, i + 1) for i, p in enumerate(s.pain_points)] + [
            (o, i + 1) for i, o in enumerate(s.opportunities)
        ]
        if not rows:
            writer.writerow([_cell(c) for c in stage_cells] + [""] * (len(CSV_COLUMNS) - len(stage_cells)))
        for p, rank in rows:
            writer.writerow(
                [_cell(c) for c in stage_cells]
                + [
                    _cell(c)
                    for c in (
                        p.kind,
                        rank,
                        p.id,
                        p.label,
                        round(p.priority, 2),
                        p.n_items,
                        _r(p.share),
                        _r(p.mean_sentiment),
                        _r(p.trend_ratio),
                        p.emerging,
                        _r(p.impact),
                        p.status,
                        "; ".join(p.keyphrases),
                        "; ".join(p.segments),
                    )
                ]
            )
    return buf.getvalue()


# ---------------------------------------------------------------- mermaid


def _mermaid_text(text: str, *, actor: bool = False) -> str:
    cleaned = " ".join(str(text).split())  # newlines, tabs, runs of spaces -> one space
    cleaned = cleaned.replace(":", "∶").replace("#", "♯").replace(";", ",")
    if actor:
        cleaned = cleaned.replace(",", " ")
    cleaned = cleaned.strip()
    if cleaned.startswith("%%"):
        cleaned = cleaned.lstrip("%").strip()
    return cleaned or "untitled"


def mermaid_score(mean_sentiment: float | None) -> int:
    """Mermaid journey scores are satisfaction faces: very negative sentiment → 1, neutral → 3."""
    if mean_sentiment is None:
        return 3
    return max(1, min(5, round(3 + 2 * max(-1.0, min(1.0, mean_sentiment)))))


def to_mermaid(jm: JourneyMap, include_opportunities: bool = True) -> str:
    lines = ["journey", f"    title {_mermaid_text(jm.title)}"]
    for s in jm.stages:
        entries = list(s.pain_points) + (list(s.opportunities) if include_opportunities else [])
        if not entries:
            continue
        lines.append(f"    section {_mermaid_text(s.label)}")
        for p in entries:
            actors = ", ".join(_mermaid_text(a, actor=True) for a in p.segments) or "Customers"
            lines.append(f"      {_mermaid_text(p.label)}: {mermaid_score(p.mean_sentiment)}: {actors}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- theydo


def theydo_weight(priority: float) -> int:
    """TheyDo weights are small integers; 0-100 priority → 1..5."""
    return max(1, min(5, math.ceil(max(priority, 0.0) / 20))) if priority > 0 else 1


def _theydo_description(p: MapPainPoint, stage_label: str) -> str:
    parts = [f"Stage: {stage_label}.", f"Mentioned in {p.n_items} feedback items ({p.share:.1%})."]
    if p.kind == "pain_point":
        parts.append(f"Priority {p.priority:.0f}/100.")
        if p.impact is not None:
            parts.append(f"KPI drop when mentioned: {p.impact:.2f}.")
        if p.trend_ratio is not None:
            parts.append(f"Trend x{p.trend_ratio:.2f}{' (emerging)' if p.emerging else ''}.")
    if p.keyphrases:
        parts.append("Keyphrases: " + ", ".join(p.keyphrases) + ".")
    if p.quote:
        parts.append(f"Quote: “{p.quote}”")
    return " ".join(parts)


def to_theydo(jm: JourneyMap) -> dict[str, Any]:
    insights = []
    for s in jm.stages:
        for p in [*s.pain_points, *s.opportunities]:
            tags = [f"stage:{s.label}", f"status:{p.status}", *(f"segment:{seg}" for seg in p.segments)]
            if p.emerging:
                tags.append("emerging")
            insights.append(
                {
                    "importKey": f"frictionmap-{p.kind}-{p.id}",
                    "title": " ".join(p.label.split()),
                    "description": _theydo_description(p, s.label),
                    "type": "Pains" if p.kind == "pain_point" else "Opportunities",
                    "weight": theydo_weight(p.priority)
                    if p.kind == "pain_point"
                    else theydo_weight(100 * min(1.0, 5 * p.share)),
                    "tags": tags,
                    "groupTags": [s.label],
                }
            )
    return {
        "schema": "theydo-insights-import",
        "generated_at": jm.generated_at.isoformat(),
        "insights": insights,
    }


# ---------------------------------------------------------------- html

_CSS = """
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
color:#1f2933;background:#f5f7fa}header{padding:24px 32px 8px}h1{margin:0 0 4px;font-size:24px}
.meta{color:#616e7c;font-size:13px}.curve{margin:8px 32px 0;background:#fff;border-radius:8px;
box-shadow:0 1px 3px rgba(0,0,0,.08);overflow:hidden}.curve svg{display:block}
.grid{display:grid;gap:12px;margin:12px 32px 32px}
.stage{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:10px;min-width:0;
font-size:13px}.stage.empty-stage{background:#fafbfc;color:#9aa5b1}
.stage h2{font-size:15px;margin:0 0 6px}.stage.mot{outline:2px solid #d64545}
.badge{display:inline-block;background:#d64545;color:#fff;border-radius:10px;padding:1px 8px;font-size:10px;
margin:0 0 6px;white-space:nowrap}.kpis{font-size:12px;color:#52606d;margin:0 0 8px}.kpis span{display:block}
.tp{font-size:12px;color:#52606d;margin-bottom:8px}h3{font-size:11px;text-transform:uppercase;
letter-spacing:.02em;color:#7b8794;margin:10px 0 4px;overflow-wrap:anywhere}ol{margin:0;padding-left:18px}
li{margin:0 0 8px;overflow-wrap:anywhere}.pp-label{font-weight:600}.bar{height:5px;background:#e4e7eb;
border-radius:3px;margin:3px 0}.bar i{display:block;height:5px;border-radius:3px;background:#d64545}
.opp .bar i{background:#3ebd93}.small{font-size:11px;color:#7b8794}.em{color:#d64545;font-weight:600}
.empty{color:#9aa5b1;font-size:12px}footer{margin:0 32px 24px;color:#7b8794;font-size:12px}
"""


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _fmt(x: float | None, spec: str = ".2f", none: str = "–") -> str:
    return none if x is None else format(x, spec)


def _wrap(text: str, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap for SVG labels; the last line is cut with an ellipsis."""
    words = " ".join(text.split()).split(" ")
    lines: list[str] = []
    current = ""
    for w in words:
        candidate = f"{current} {w}".strip()
        if len(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = w
    lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [ln if len(ln) <= width else ln[: width - 1] + "…" for ln in lines]


def emotion_curve_svg(stages: Sequence[MapStage], width: int = 1200, height: int = 220) -> str:
    """Mean sentiment per stage as a polyline on a -1..1 axis; stages without data leave a gap."""
    n = max(1, len(stages))
    # No side padding: stage i is centred at (i + 0.5) / n of the width, like the stage columns below it.
    pad_l, pad_r, pad_t, pad_b = 0, 0, 22, 44
    inner_w, inner_h = width - pad_l - pad_r, height - pad_t - pad_b

    def x(i: int) -> float:
        return pad_l + inner_w * (i + 0.5) / n

    def y(v: float) -> float:
        return pad_t + inner_h * (1 - (max(-1.0, min(1.0, v)) + 1) / 2)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="Emotion curve: mean sentiment per stage">',
        f'<rect x="{pad_l}" y="{pad_t}" width="{inner_w}" height="{inner_h / 2:.1f}" fill="#effcf6"/>',
        f'<rect x="{pad_l}" y="{y(0):.1f}" width="{inner_w}" height="{inner_h / 2:.1f}" fill="#fff5f5"/>',
    ]
    for v, lab in ((1, "+1"), (0, "0"), (-1, "−1")):
        parts.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#cbd2d9" stroke-dasharray="{"0" if v == 0 else "4 4"}"/>'
            f'<text x="4" y="{y(v) - 3:.1f}" text-anchor="start" font-size="11" '
            f'fill="#7b8794">{lab}</text>'
        )
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, s in enumerate(stages):
        # The unassigned bucket is not a journey step: never join it to the curve.
        if s.emotion is None or s.id == UNASSIGNED_STAGE:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x(i):.1f},{y(s.emotion):.1f}")
    if segment:
        segments.append(segment)
    segments = [seg for seg in segments if len(seg) > 1]  # a lone point is drawn by its circle
    for seg in segments:
        parts.append(
            f'<polyline points="{" ".join(seg)}" fill="none" stroke="#3e4c59" stroke-width="2.5" '
            'stroke-linejoin="round"/>'
        )
    chars = max(8, int(width / n / 7))  # ~7 px per character at 12 px
    for i, s in enumerate(stages):
        lines = _wrap(s.label, chars, 2)
        tspans = "".join(
            f'<tspan x="{x(i):.1f}" dy="{0 if k == 0 else 14}">{_e(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - pad_b + 16 if len(lines) > 1 else height - 14}" '
            f'text-anchor="middle" font-size="12" fill="#323f4b">{tspans}</text>'
        )
        if s.emotion is not None:
            color = "#3ebd93" if s.emotion >= 0.1 else "#d64545" if s.emotion <= -0.1 else "#f0b429"
            ring = (
                ' stroke="#d64545" stroke-width="3"'
                if s.moment_of_truth
                else ' stroke="#fff" stroke-width="2"'
            )
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(s.emotion):.1f}" r="7" fill="{color}"{ring}>'
                f"<title>{_e(s.label)}: {s.emotion:+.2f}</title></circle>"
                f'<text x="{x(i):.1f}" y="{y(s.emotion) - 12:.1f}" text-anchor="middle" font-size="11" '
                f'fill="#52606d">{s.emotion:+.2f}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _html_entry(p: MapPainPoint) -> str:
    bar = max(2.0, min(100.0, p.priority if p.kind == "pain_point" else 100 * min(1.0, 5 * p.share)))
    meta = [f"{p.n_items} items ({p.share:.0%})"]
    if p.kind == "pain_point":
        meta.insert(0, f"priority {p.priority:.0f}")
        if p.impact is not None:
            meta.append(f"rating −{p.impact:.2f}" if p.impact > 0 else f"rating {-p.impact:+.2f}")
    em = ' <span class="em">▲ emerging</span>' if p.emerging else ""
    quote = f'<div class="small">“{_e(p.quote)}”</div>' if p.quote else ""
    return (
        f'<li><span class="pp-label">{_e(p.label)}</span>{em}'
        f'<div class="bar"><i style="width:{bar:.0f}%"></i></div>'
        f'<div class="small">{_e(" · ".join(meta))}</div>{quote}</li>'
    )


def to_html(jm: JourneyMap) -> str:
    cols = max(1, len(jm.stages))
    stage_html = []
    for s in jm.stages:
        kpis = [
            f"Emotion {_fmt(s.emotion, '+.2f')}",
            f"Rating {_fmt(s.mean_rating)}",
            f"NPS {_fmt(s.nps, '+.0f')}",
            f"Effort {_fmt(s.effort_share, '.0%')}",
        ]
        tps = ", ".join(f"{t} ({n})" for t, n in s.touchpoints) or "–"
        pps = "".join(_html_entry(p) for p in s.pain_points) or '<li class="empty">none</li>'
        opps = "".join(_html_entry(o) for o in s.opportunities) or '<li class="empty">none</li>'
        badge = '<div class="badge">moment of truth</div>' if s.moment_of_truth else ""
        classes = "stage" + (" mot" if s.moment_of_truth else "") + ("" if s.n_items else " empty-stage")
        stage_html.append(
            f'<section class="{classes}"><h2>{_e(s.label)}</h2>{badge}'
            f'<div class="kpis">{"".join(f"<span>{_e(k)}</span>" for k in kpis)}'
            f"<span>{s.n_items} items</span></div>"
            f'<div class="tp"><b>Touchpoints</b>: {_e(tps)}</div>'
            f"<h3>Pain points</h3><ol>{pps}</ol>"
            f'<h3>Opportunities</h3><ol class="opp">{opps}</ol></section>'
        )
    moments = "".join(f"<li>{_e(m.explanation)}</li>" for m in jm.moments_of_truth)
    filters = ", ".join(f"{k}={v}" for k, v in sorted(jm.filters.items())) or "none"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(jm.title)}</title><style>{_CSS}"
        f".grid{{grid-template-columns:repeat({cols},minmax(0,1fr))}}</style></head><body>"
        f"<header><h1>{_e(jm.title)}</h1>"
        f'<div class="meta">{jm.total_items} feedback items · filters: {_e(filters)} · generated '
        f"{_e(jm.generated_at.strftime('%Y-%m-%d %H:%M UTC'))}</div></header>"
        f'<div class="curve">{emotion_curve_svg(jm.stages)}</div>'
        f'<div class="grid">{"".join(stage_html)}</div>'
        f"<footer><b>Moments of truth</b><ul>{moments or '<li>none detected</li>'}</ul>"
        "Emotion = mean sentiment of the stage's opinion units (−1..+1). Priority 0–100 combines volume, "
        "severity, impact, trend, effort and recency.</footer>"
        "</body></html>\n"
    )


def render(jm: JourneyMap, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_json(jm), ensure_ascii=False, indent=2)
    if fmt == "csv":
        return to_csv(jm)
    if fmt == "mermaid":
        return to_mermaid(jm)
    if fmt == "theydo":
        return json.dumps(to_theydo(jm), ensure_ascii=False, indent=2)
    if fmt == "html":
        return to_html(jm)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")
