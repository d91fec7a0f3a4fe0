"""Themes' read side from SQL aggregates: ``GET /v1/themes`` and ``?group_by=theme`` on the journey map
without loading the workspace's items and units (issue 14).

A theme's figures are those of the union of its visible pain points' units under the view's filters:

- unit sums (count, sentiment, severity, effort) add up over its pain points, since a unit belongs to one
  pain point: read from the pain point sums the ``SummaryView`` already holds;
- distinct items (volume, trend, KPI impact, channels) do not add up (an item mentioning two pain points of
  a theme counts once): one ``SELECT DISTINCT theme, item`` joined to the items, grouped by theme × day ×
  channel with the KPI moments, in the database;
- the stage mix counts units per pain point × stage: one ``GROUP BY`` in the database.

Since 0012_theme_sums both come from stored sums (distinct items per theme, units per pain point × stage:
``service.themes.theme_sums``) whenever those count exactly the pain points the view shows in a theme; the
queries above remain for the themes where they do not (a status / kind / stage filter hiding some of a
theme's pain points, or sums built before a theme change), so a cold read at a million items no longer
scans the units.

Both queries return rows bounded by themes × days × channels and pain points × stages, never by items; they
are cached with the read sums' LRU (``read_cache``) under the data version, the filters, the priority
settings and the visible pain points with their themes, so a second dashboard on the same data reads none.
Scores come from ``nlp.scoring.aggregated.score_from_sums``, the same ``PriorityResult`` as the full scan's
``score_pain_points`` (``tests/helpers/themes_full_scan.py`` keeps that scan as the tests' oracle).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlmodel import Session
from sqlmodel import select as sm_select

from nlp.journey_map.build import MapPainPoint
from nlp.scoring.aggregated import CorpusSums, PainPointSums, score_from_sums
from nlp.scoring.priority import PriorityResult
from nlp.scoring.stats import Moments
from service.analysis.read_cache import Lru
from service.analysis.view import item_scope, priority_config
from service.analysis.view_summary import SummaryView, UnitTotals, _as_date, _where, grain, visible
from service.analysis.view_tables import item_day
from service.models import FeedbackItem, OpinionUnit, PainPoint, ReadItemSum, Theme
from service.themes.naming import workspace_language
from service.themes.service import theme_name
from service.themes.theme_sums import PATHS, ThemeSums, stored_stage_units, stored_theme_sums, stored_themes

_ITEM = FeedbackItem.__table__  # type: ignore[attr-defined]
_UNIT = OpinionUnit.__table__  # type: ignore[attr-defined]
_I = ReadItemSum.__table__  # type: ignore[attr-defined]
_KPIS = ("rating", "nps", "csat")


@dataclass
class ThemeFigures:
    """What the database adds up for the themes of one view: per theme, and units per pain point × stage."""

    themes: dict[str, ThemeSums]
    stage_units: dict[str, dict[str, int]]  # pain point id -> stage -> units
    scores: dict[str, PriorityResult] = field(default_factory=dict)


@dataclass
class ThemeView:
    """One theme as ``GET /v1/themes`` and the themed map show it."""

    theme: Theme
    name: str
    pain_points: list[PainPoint]  # visible ones with mentions, by priority
    score: PriorityResult
    items: int
    n_units: int
    mean_sentiment: float | None
    stage_mix: dict[str, float]
    stage_units: dict[str, int]
    channels: dict[str, int]


CACHE: Lru[ThemeFigures] = Lru()


def _plus(a: Moments, b: Moments, times: int = 1) -> Moments:
    return Moments(a.n + times * b.n, a.total + times * b.total, a.squares + times * b.squares)


def _theme_sums(session: Session, view: SummaryView, members: dict[str, str]) -> dict[str, ThemeSums]:
    """Distinct items mentioning each theme (``members``: pain point id -> theme id) per day, with their KPI
    moments, and how many to take off each channel's sum of its pain points' counts.

    An item mentioning ``m`` pain points of a theme is counted ``m`` times by the sum of their stored
    per-pain-point sums: those sums, less ``m - 1`` times each such item. Only items with units in two or
    more of a theme's pain points are read, found on the (workspace, pain point, item) index alone."""
    ws = view.workspace.id
    g = grain(view.filters)
    out: dict[str, ThemeSums] = {
        tid: ThemeSums(kpis={k: Moments() for k in _KPIS}) for tid in members.values()
    }
    for key, raw_day, n in session.execute(
        select(_I.c.key, _I.c.day, func.sum(_I.c.n_items))
        .where(*_where(_I, ws, "pp", view.filters, g), _I.c.key.in_(sorted(members)))
        .group_by(_I.c.key, _I.c.day)
    ):
        days = out[members[key]].items_by_day
        d = _as_date(raw_day)
        days[d] = days.get(d, 0) + int(n)
    for pid, tid in members.items():
        sums = out[tid]
        for k, m in view.sums.pp_kpis.get(pid, {}).items():
            sums.kpis[k] = Moments(
                sums.kpis[k].n + m.n, sums.kpis[k].total + m.total, sums.kpis[k].squares + m.squares
            )
    theme = case(*((_UNIT.c.pain_point_id == pid, tid) for pid, tid in sorted(members.items())))
    n_pps = func.count(func.distinct(_UNIT.c.pain_point_id))
    overlaps = (
        select(_UNIT.c.feedback_id.label("fid"), theme.label("theme"), n_pps.label("m"))
        .where(_UNIT.c.workspace_id == ws, _UNIT.c.pain_point_id.in_(sorted(members)))
        .group_by(_UNIT.c.feedback_id, theme)
        .having(n_pps > 1)
        .subquery("o")
    )
    day = item_day(_ITEM.c.created_at, session.get_bind().dialect.name)
    for tid, m, raw_day, channel, *kpis in session.execute(
        select(overlaps.c.theme, overlaps.c.m, day, _ITEM.c.channel, *(_ITEM.c[k] for k in _KPIS))
        .select_from(overlaps.join(_ITEM, _ITEM.c.id == overlaps.c.fid))
        .where(item_scope(ws, view.filters))
    ):
        extra, sums, d = int(m) - 1, out[tid], _as_date(raw_day)
        sums.items_by_day[d] -= extra
        sums.channel_overlaps[channel or "unknown"] = (
            sums.channel_overlaps.get(channel or "unknown", 0) + extra
        )
        for k, value in zip(_KPIS, kpis, strict=True):
            if value is not None:
                v, before = float(value), sums.kpis[k]
                sums.kpis[k] = Moments(
                    before.n - extra, before.total - extra * v, before.squares - extra * v * v
                )
    for sums in out.values():
        sums.items_by_day = {d: n for d, n in sums.items_by_day.items() if n}
    return out


def _channels(view: SummaryView, pps: Sequence[PainPoint], sums: ThemeSums) -> dict[str, int]:
    """Distinct items per channel, most first (ties by name): the theme's stored sums, or the pain points'
    (loaded with the map's sums, ``with_stages``) less the overlaps; empty when the view did not load them."""
    if view.sums.pp_channels is None:
        return {}
    counts: Counter[str] = Counter()
    if sums.channels is not None:
        counts.update(sums.channels)
    else:
        for p in pps:
            counts.update(view.sums.pp_channels.get(p.id, {}))
        counts.subtract(sums.channel_overlaps)
    return dict(sorted(((c, n) for c, n in counts.items() if n > 0), key=lambda kv: (-kv[1], kv[0])))


def _stage_units(session: Session, view: SummaryView, pp_ids: Sequence[str]) -> dict[str, dict[str, int]]:
    """Units per pain point and stage (``unknown`` when none) in scope."""
    ws = view.workspace.id
    stage = func.coalesce(_UNIT.c.stage, "unknown")
    stmt = select(_UNIT.c.pain_point_id, stage, func.count()).where(
        _UNIT.c.workspace_id == ws, _UNIT.c.pain_point_id.in_(sorted(pp_ids))
    )
    if view.filters.item_filters():
        stmt = stmt.select_from(_UNIT.join(_ITEM, _ITEM.c.id == _UNIT.c.feedback_id)).where(
            item_scope(ws, view.filters)
        )
    out: dict[str, dict[str, int]] = {}
    for pid, st, n in session.execute(stmt.group_by(_UNIT.c.pain_point_id, stage)):
        out.setdefault(pid, {})[st] = int(n)
    return out


def _totals(view: SummaryView, pps: Sequence[PainPoint]) -> UnitTotals:
    parts = [view.sums.pp_units.get(p.id, UnitTotals()) for p in pps]
    return UnitTotals(
        n_units=sum(t.n_units for t in parts),
        sentiment_n=sum(t.sentiment_n for t in parts),
        sentiment_sum=sum(t.sentiment_sum for t in parts),
        negativity_sum=sum(t.negativity_sum for t in parts),
        intensity_sum=sum(t.intensity_sum for t in parts),
        effort_n=sum(t.effort_n for t in parts),
    )


def _figures(
    session: Session, view: SummaryView, children: dict[str, list[PainPoint]], members: dict[str, str]
) -> ThemeFigures:
    """From the theme sums where they count exactly the shown pain points (``theme_sums.stored_themes``),
    else from the pain points' sums less the overlaps (one scan of the theme's units' index)."""
    stored = stored_themes(session, view, children)
    rest = {pid: tid for pid, tid in members.items() if tid not in stored}
    PATHS["stored"] += len(stored)
    PATHS["overlap"] += len(children) - len(stored)
    sums = _theme_sums(session, view, rest) if rest else {}
    sums |= stored_theme_sums(session, view, stored)
    stages = stored_stage_units(session, view, list(members)) if stored else None
    figures = ThemeFigures(sums, stages if stages is not None else _stage_units(session, view, list(members)))
    results = score_from_sums(
        [
            PainPointSums(
                tid,
                n_units=(t := _totals(view, pps)).n_units,
                items_by_day=(s := figures.themes.get(tid, ThemeSums())).items_by_day,
                negativity_sum=t.negativity_sum,
                intensity_sum=t.intensity_sum,
                effort_units=t.effort_n,
                kpis=s.kpis,
            )
            for tid, pps in children.items()
        ],
        CorpusSums(view.sums.corpus_days, view.sums.corpus_kpis),
        view.as_of,
        priority_config(view.workspace),
    )
    figures.scores = {r.pain_point_id: r for r in results}
    return figures


def theme_views(session: Session, view: SummaryView) -> list[ThemeView]:
    """Themes of the visible pain points with mentions in scope, highest priority first (the order and
    tie-breaks of the full scan: priority, then items, then id)."""
    themes = {
        t.id: t for t in session.exec(sm_select(Theme).where(Theme.workspace_id == view.workspace.id)).all()
    }
    children: dict[str, list[PainPoint]] = {}
    for p in visible(view):
        if p.theme_id in themes and view.n_units(p.id):
            children.setdefault(p.theme_id, []).append(p)
    members = {p.id: tid for tid, pps in children.items() for p in pps}
    if not members:
        return []
    key = (
        "themes",
        view.workspace.id,
        view.version,
        tuple(sorted(view.filters.item_filters().items())),
        priority_config(view.workspace).model_dump_json(),
        hash(tuple(sorted(members.items()))),
    )
    figures = CACHE.get_or_compute(key, lambda: _figures(session, view, children, members))
    language = workspace_language(view.workspace)
    ranked = sorted(figures.scores.values(), key=lambda r: (-r.priority, -r.n_items, r.pain_point_id))
    out = []
    for r in ranked:
        theme = themes[r.pain_point_id]
        pps = sorted(children[theme.id], key=lambda p: (-view.scores[p.id].priority, p.id))
        totals = _totals(view, pps)
        stages: Counter[str] = Counter()
        for p in pps:
            stages.update(figures.stage_units.get(p.id, {}))
        sums = figures.themes.get(theme.id, ThemeSums())
        out.append(
            ThemeView(
                theme=theme,
                name=theme_name(theme, pps, language),
                pain_points=pps,
                score=r,
                items=r.n_items,
                n_units=totals.n_units,
                mean_sentiment=totals.mean_sentiment,
                stage_mix={k: n / totals.n_units for k, n in sorted(stages.items())}
                if totals.n_units
                else {},
                stage_units=dict(stages),
                channels=_channels(view, pps, sums),
            )
        )
    return out


def theme_map_entries(themes: Sequence[ThemeView]) -> list[MapPainPoint]:
    """Themes as journey-map entries: placed at the stage most of their units are at (ties: the stage
    first in name order), scored as themes."""
    out = []
    for tv in themes:
        staged = sorted(
            ((n, s) for s, n in tv.stage_units.items() if s != "unknown"), key=lambda ns: (-ns[0], ns[1])
        )
        rating = next((i for i in tv.score.impacts if i.metric == "rating"), None)
        quotes = [q.get("text") for p in tv.pain_points for q in (p.quotes or []) if isinstance(q, dict)]
        keyphrases = [k for p in tv.pain_points for k in (p.keyphrases or [])]
        out.append(
            MapPainPoint(
                id=tv.theme.id,
                label=tv.name,
                stage=staged[0][1] if staged else "unknown",
                priority=tv.score.priority,
                n_items=tv.score.n_items,
                share=tv.score.share,
                mean_sentiment=tv.mean_sentiment,
                trend_ratio=tv.score.trend.ratio,
                emerging=tv.score.trend.emerging,
                impact=rating.difference if rating else None,
                status="open" if any(p.status != "resolved" for p in tv.pain_points) else "resolved",
                keyphrases=tuple(dict.fromkeys(keyphrases))[:5],
                segments=tuple(list(tv.channels)[:3]),
                quote=next((q for q in quotes if q), None),
                kind="pain_point" if tv.theme.kind == "pain" else "opportunity",
            )
        )
    return out
