"""The pages' weekly series, stage shares and filter drop-downs from the stored sums
(``service.analysis.view_summary``) instead of every item and unit: what ``service.web.insights`` computes
from a full ``View``, in time bounded by days x stages x dimension values, not by the number of items."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from service.analysis.view import stage_specs
from service.analysis.view_summary import SummaryView, grain
from service.models import ReadItemSum, ReadUnitSum, Workspace
from service.web.insights import Week, stage_labels

_I = ReadItemSum.__table__  # type: ignore[attr-defined]
_U = ReadUnitSum.__table__  # type: ignore[attr-defined]


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def weekly_series(session: Session, view: SummaryView) -> list[Week]:
    """``insights.weekly_series``: items per ISO week from the corpus sums, mean unit sentiment per week
    from the per-stage unit sums (every unit has exactly one stage row, ``unknown`` included)."""
    counts: dict[date, int] = defaultdict(int)
    for day, n in view.sums.corpus_days.items():
        counts[_monday(day)] += n
    if not counts:
        return []
    g = grain(view.filters)
    conds = [_U.c.workspace_id == view.workspace.id, _U.c.grain == g, _U.c.kind == "stage"]
    for name in ("channel", "source", "segment", "language"):
        value = getattr(view.filters, name)
        if value:
            conds.append(_U.c[name] == value)
    if view.filters.since:
        conds.append(_U.c.day >= view.filters.since)
    if view.filters.until:
        conds.append(_U.c.day <= view.filters.until)
    sums: dict[date, tuple[int, float]] = {}
    rows = session.execute(
        select(_U.c.day, func.sum(_U.c.sentiment_n), func.sum(_U.c.sentiment_sum))
        .where(*conds)
        .group_by(_U.c.day)
    )
    for day, day_n, day_total in rows:
        monday = _monday(_as_date(day))
        week_n, week_total = sums.get(monday, (0, 0.0))
        sums[monday] = (week_n + int(day_n or 0), week_total + float(day_total or 0.0))
    out, week = [], min(counts)
    while week <= max(counts):
        n, total = sums.get(week, (0, 0.0))
        out.append(Week(week, counts.get(week, 0), total / n if n else None))
        week += timedelta(days=7)
    return out


def stage_distribution(view: SummaryView, lang: str = "en") -> list[tuple[str, str, int]]:
    """``insights.stage_distribution`` from the per-stage distinct-item sums (``with_stages=True``)."""
    stages = view.sums.stages or {}
    names = stage_labels(view.workspace, lang)
    rows = [
        (s.id, names[s.id], stages[s.id].n_items if s.id in stages else 0)
        for s in stage_specs(view.workspace)
    ]
    if "unknown" in stages and stages["unknown"].n_items:
        rows.append(("unknown", names["unknown"], stages["unknown"].n_items))
    return rows


def dimension_values(
    session: Session, workspace: Workspace, dims: Iterable[str] = ("source", "channel", "segment", "language")
) -> dict[str, list[str]]:
    """``insights.dimension_values`` of the whole workspace: the distinct values its corpus sums hold."""
    out = {}
    for dim in dims:
        rows = session.execute(
            select(_I.c[dim])
            .where(_I.c.workspace_id == workspace.id, _I.c.grain == "full", _I.c.kind == "all")
            .distinct()
        )
        out[dim] = sorted({str(v) for (v,) in rows if v})
    return out
