"""The pages' weekly series, stage shares and filter drop-downs from the stored sums
(``service.analysis.view_summary``) instead of every item and unit: what ``service.web.insights`` computes
from a full ``View``, in time bounded by days x stages x dimension values, not by the number of items."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from service.analysis.read_cache import Lru
from service.analysis.view import ViewFilters, item_scope, stage_specs
from service.analysis.view_summary import SummaryView, grain
from service.analysis.view_tables import DIMS_GRAIN, data_version
from service.feedback import search_index
from service.models import FeedbackItem, OpinionUnit, ReadItemSum, ReadUnitSum, Workspace
from service.web.insights import SEARCH_LIMIT, Week, like_pattern, stage_labels

_I = ReadItemSum.__table__  # type: ignore[attr-defined]
_U = ReadUnitSum.__table__  # type: ignore[attr-defined]


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def weekly_series(session: Session, view: SummaryView) -> list[Week]:
    """Items per ISO week from the corpus sums, mean unit sentiment per week
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
    """Stage shares from the per-stage distinct-item sums (``with_stages=True``)."""
    stages = view.sums.stages or {}
    names = stage_labels(view.workspace, lang)
    rows = [
        (s.id, names[s.id], stages[s.id].n_items if s.id in stages else 0)
        for s in stage_specs(view.workspace)
    ]
    if "unknown" in stages and stages["unknown"].n_items:
        rows.append(("unknown", names["unknown"], stages["unknown"].n_items))
    return rows


_VALUES: Lru[dict[str, list[str]]] = Lru()


def dimension_values(
    session: Session, workspace: Workspace, dims: Iterable[str] = ("source", "channel", "segment", "language")
) -> dict[str, list[str]]:
    """Filter values of the whole workspace: the distinct values its corpus sums hold, kept per version of
    those sums. Read from the ``dims`` corpus rows (one per distinct dimension values, ~100; 0014); sums
    built before them have none, and the values come from DISTINCT over the ``full`` corpus rows (which
    grow with days x dimension values: ~44,000 at a year of 1M items)."""
    dims = tuple(dims)
    _, built = data_version(session, workspace.id)

    def compute() -> dict[str, list[str]]:
        combos = session.execute(
            select(*(_I.c[dim] for dim in dims)).where(
                _I.c.workspace_id == workspace.id, _I.c.grain == DIMS_GRAIN, _I.c.kind == "all"
            )
        ).all()
        if combos:
            return {dim: sorted({str(row[j]) for row in combos if row[j]}) for j, dim in enumerate(dims)}
        out = {}
        for dim in dims:
            rows = session.execute(
                select(_I.c[dim])
                .where(_I.c.workspace_id == workspace.id, _I.c.grain == "full", _I.c.kind == "all")
                .distinct()
            )
            out[dim] = sorted({str(v) for (v,) in rows if v})
        return out

    if built < 0:  # never built: nothing cached under a version that does not exist
        return compute()
    return {k: list(v) for k, v in _VALUES.get_or_compute((workspace.id, built, dims), compute).items()}


def by_key(session: Session, model: Any, workspace_id: str) -> ColumnElement[bool]:
    """``model.workspace_id == workspace_id`` for a query that also names a few rows by key (ids, rowids):
    on SQLite with the column's indexes hidden (unary ``+``), so that the planner looks those rows up by key
    instead of walking every row of the workspace in an index that starts with ``workspace_id`` (~0.4 s
    for 130k units; it prefers any index with an equality on its first column). Same rows either way."""
    column = model.__table__.c.workspace_id
    if session.get_bind().dialect.name == "sqlite":
        return literal_column(f"+{column.table.name}.workspace_id") == workspace_id
    return cast(ColumnElement[bool], column == workspace_id)


@dataclass(frozen=True)
class Verbatim:
    """A matched feedback item as the search results show it (not the whole row)."""

    id: str
    created_at: datetime
    source: str
    channel: str | None


def search_in_scope(session: Session, workspace: Workspace, q: str, filters: ViewFilters) -> list[Verbatim]:
    """``insights.search_items`` kept to the view's item filters, newest first: the same bounded search
    (the ``SEARCH_LIMIT`` newest matches in the workspace), then those in scope; no full view. The texts
    scanned are the index's candidates where it has them (``service.feedback.search_index``).

    One pass: each match's columns and whether the view's filters keep it come out of the scan that finds it
    (the filters are columns of the same row). Looking the found ids up again cost PostgreSQL a scan of the
    whole workspace (a hash join: 42 of the 50 ms of a common word at 100k items)."""
    match = col(FeedbackItem.text).ilike(like_pattern(q.strip()), escape="\\")
    conds = [FeedbackItem.workspace_id == workspace.id, match]
    rowids = search_index.candidates(session, q.strip())
    if rowids is not None:  # SQLite's trigram index narrows the scan; the ILIKE stays the match
        ids = func.json_each(rowids).table_valued("value")
        # ``by_key``: SQLite looks the candidates up by rowid instead of walking the workspace's rows newest
        # first (which the ORDER BY would otherwise make it prefer).
        conds = [
            by_key(session, FeedbackItem, workspace.id),
            match,
            literal_column("feedback_item.rowid").in_(select(ids.c.value)),
        ]
    in_scope = case((item_scope(workspace.id, filters), 1), else_=0).label("in_scope")
    found = (
        select(FeedbackItem.id, FeedbackItem.created_at, FeedbackItem.source, FeedbackItem.channel, in_scope)  # type: ignore[call-overload]
        .where(*conds)
        .order_by(col(FeedbackItem.created_at).desc())
        .limit(SEARCH_LIMIT)
        .subquery()
    )
    rows = session.execute(
        select(found.c.id, found.c.created_at, found.c.source, found.c.channel)
        .where(found.c.in_scope == 1)
        .order_by(found.c.created_at.desc())
    )
    return [Verbatim(*row) for row in rows]


def mentioning(session: Session, workspace: Workspace, item_ids: Sequence[str]) -> dict[str, list[str]]:
    """The pain points each of ``item_ids`` mentions (ids, in their units' reading order): bounded by the
    search's limit, read by the units' ``feedback_id`` index (``by_key``)."""
    out: dict[str, list[str]] = {}
    if not item_ids:
        return out
    rows = session.execute(
        select(OpinionUnit.feedback_id, OpinionUnit.pain_point_id)  # type: ignore[call-overload]
        .where(
            by_key(session, OpinionUnit, workspace.id),
            col(OpinionUnit.feedback_id).in_(list(item_ids)),
            col(OpinionUnit.pain_point_id).is_not(None),
        )
        .order_by(col(OpinionUnit.feedback_id), col(OpinionUnit.start))
    )
    for fid, pid in rows:
        if pid not in out.setdefault(fid, []):
            out[fid].append(pid)
    return out
