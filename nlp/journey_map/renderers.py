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

Every format speaks the map's language (``JourneyMap.lang``, words from :mod:`.catalog`) where people read
it; what programs parse stays put: csv column ids (unless ``style="labels"``), TheyDo's keys, ``type`` and
tag prefixes, ids, statuses and kinds. ``docs/architecture.md`` records the decision per format.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from typing import Any, Literal

from nlp.i18n import format_count, format_decimal, format_percent
from nlp.journey_map.build import JourneyMap, MapPainPoint
from nlp.journey_map.catalog import translator
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


CSV_STYLES: tuple[str, ...] = ("ids", "labels")


def _cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in text cells; numbers pass as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    return _safe_text(value)


def _safe_text(value: Any) -> str:
    text = str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _label_cell(value: Any, column: str, lang: str, t: Callable[..., str]) -> Any:
    """A cell for people: yes/no, kind and status in words (``t``: the map's translator), numbers with the
    language's decimal mark and no grouping (a spreadsheet set to that language still reads them as
    numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("map.yes" if value else "map.no")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return repr(value).replace(".", ",") if lang == "fr" else repr(value)
    if column == "kind":
        return t("kind.pain" if value == "pain_point" else "kind.opportunity")
    if column == "status" and t(f"status.{value}") != f"status.{value}":
        return t(f"status.{value}")
    return _safe_text(value)


def _csv_rows(jm: JourneyMap) -> list[list[Any]]:
    """The rows' raw values in ``CSV_COLUMNS`` order, before either style writes them."""
    rows: list[list[Any]] = []
    for s in jm.stages:
        stage_cells: list[Any] = [
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
        entries = [(p, i + 1) for i, p in enumerate(s.pain_points)] + [
            (o, i + 1) for i, o in enumerate(s.opportunities)
        ]
        if not entries:
            rows.append(stage_cells + [None] * (len(CSV_COLUMNS) - len(stage_cells)))
        for p, rank in entries:
            rows.append(
                [
                    *stage_cells,
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
                ]
            )
    return rows


def to_csv(jm: JourneyMap, style: str = "ids") -> str:
    """``ids`` (the default, for integrators): the stable ``CSV_COLUMNS`` header, ids and true/false as
    values, numbers with a dot; only data labels (stage names) follow the map's language. ``labels`` (for
    people): headers and values in ``jm.lang``, its decimal mark, ``;`` between cells in French (whose
    spreadsheets read ``,`` as the decimal mark) and a byte-order mark so they open the file as UTF-8."""
    if style not in CSV_STYLES:
        raise ValueError(f"csv style must be one of {', '.join(CSV_STYLES)}")
    buf = io.StringIO()
    if style == "ids":
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for row in _csv_rows(jm):
            writer.writerow([_cell(c) for c in row])
        return buf.getvalue()
    t = translator(jm.lang)
    writer = csv.writer(buf, delimiter=";" if jm.lang == "fr" else ",", lineterminator="\r\n")
    writer.writerow([t(f"csv.{c}") for c in CSV_COLUMNS])
    for row in _csv_rows(jm):
        writer.writerow([_label_cell(c, col, jm.lang, t) for c, col in zip(row, CSV_COLUMNS, strict=True)])
    return "\ufeff" + buf.getvalue()


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
    customers = _mermaid_text(translator(jm.lang)("map.customers"), actor=True)
    for s in jm.stages:
        entries = list(s.pain_points) + (list(s.opportunities) if include_opportunities else [])
        if not entries:
            continue
        lines.append(f"    section {_mermaid_text(s.label)}")
        for p in entries:
            actors = ", ".join(_mermaid_text(a, actor=True) for a in p.segments) or customers
            lines.append(f"      {_mermaid_text(p.label)}: {mermaid_score(p.mean_sentiment)}: {actors}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- theydo


def theydo_weight(priority: float) -> int:
    """TheyDo weights are small integers; 0-100 priority → 1..5."""
    return max(1, min(5, math.ceil(max(priority, 0.0) / 20))) if priority > 0 else 1


def _theydo_description(p: MapPainPoint, stage_label: str, lang: str) -> str:
    t = translator(lang)
    parts = [
        t("map.td.stage", stage=stage_label),
        t("map.td.mentioned", n=format_count(p.n_items, lang), share=format_percent(p.share, lang, 1)),
    ]
    if p.kind == "pain_point":
        parts.append(t("map.td.priority", value=format_decimal(p.priority, lang, 0)))
        if p.impact is not None:
            parts.append(t("map.td.impact", value=format_decimal(p.impact, lang, 2)))
        if p.trend_ratio is not None:
            emerging = f" ({t('pp.emerging')})" if p.emerging else ""
            parts.append(t("map.td.trend", ratio=format_decimal(p.trend_ratio, lang, 2), emerging=emerging))
    if p.keyphrases:
        parts.append(t("map.td.keyphrases", phrases=", ".join(p.keyphrases)))
    if p.quote:
        parts.append(t("map.td.quote", quote=p.quote))
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
                    "description": _theydo_description(p, s.label, jm.lang),
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


def render(jm: JourneyMap, fmt: str, csv_style: str = "ids") -> str:
    """``jm`` in ``fmt``, in the map's language (``jm.lang``); ``csv_style`` only applies to ``csv``."""
    if fmt == "json":
        return json.dumps(to_json(jm), ensure_ascii=False, indent=2)
    if fmt == "csv":
        return to_csv(jm, csv_style)
    if fmt == "mermaid":
        return to_mermaid(jm)
    if fmt == "theydo":
        return json.dumps(to_theydo(jm), ensure_ascii=False, indent=2)
    if fmt == "html":
        return to_html(jm)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")
