"""The text formats besides json and html, and ``render``, which picks any format by name.

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

``json`` is :mod:`.document` and ``html`` is :mod:`.html`.
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any, Literal

from nlp.journey_map.build import JourneyMap, MapPainPoint
from nlp.journey_map.document import round_or_none, to_json
from nlp.journey_map.html import to_html

Format = Literal["json", "csv", "mermaid", "theydo", "html"]
FORMATS: tuple[str, ...] = ("json", "csv", "mermaid", "theydo", "html")
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "mermaid": "text/plain; charset=utf-8",
    # its own media type: a JSON document of another shape than ``format=json`` (OpenAPI documents them apart)
    "theydo": "application/vnd.theydo+json",
    "html": "text/html; charset=utf-8",
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
            round_or_none(s.emotion),
            round_or_none(s.mean_rating, 3),
            round_or_none(s.nps, 1),
            round_or_none(s.effort_share),
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
                        round_or_none(p.share),
                        round_or_none(p.mean_sentiment),
                        round_or_none(p.trend_ratio),
                        p.emerging,
                        round_or_none(p.impact),
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
