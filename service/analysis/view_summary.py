"""Read side from stored aggregates: the pain point list, one pain point and the journey map in time that
depends on the number of pain points, stages and days, not on the number of items.

``load_summary`` brings the workspace's sums up to date (``view_tables.ensure_fresh``), adds them up under
the view's filters with a few ``GROUP BY`` queries and scores with ``nlp.scoring.aggregated`` (the same
results as ``score_pain_points`` on per-item facts). What it computes depends only on the data version, the
filters, the priority settings and the set of live pain points, so it is kept in a small in-process LRU under
that key: a second dashboard on the same data costs two primary-key look-ups. Pain point rows (label, status,
owner…) are read on every call, never cached, so an edit shows at once.

``service.analysis.view.load_view`` (every item and unit in memory) serves no request any more: the equality
tests use it as the reference (themes read ``service.themes.summary``, issue 14).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.orm import defer
from sqlmodel import Session, col

from nlp.journey_map.build import JourneyMap, MapPainPoint, StageAggregate, build_journey_map
from nlp.journey_map.catalog import translator as map_translator
from nlp.scoring.aggregated import CorpusSums, MentionWindows, PainPointSums, score_from_sums
from nlp.scoring.closed_loop import ClosedLoopReport, closed_loop_report
from nlp.scoring.config import PriorityConfig
from nlp.scoring.priority import PriorityResult
from nlp.scoring.stats import Moments
from nlp.scoring.trend import window_starts
from service.analysis.read_cache import Lru
from service.analysis.read_freshness import SumsBuilding, version_for_read
from service.analysis.view import ViewFilters, passes, priority_config, scores_sort_key, stage_specs
from service.models import PainPoint, ReadItemSum, ReadUnitSum, Workspace
from service.settings import get_settings
from service.themes.naming import display_name, workspace_language

_I = ReadItemSum.__table__  # type: ignore[attr-defined]
_U = ReadUnitSum.__table__  # type: ignore[attr-defined]
_KPIS = ("rating", "nps", "csat")


@dataclass(frozen=True)
class UnitTotals:
    n_units: int = 0
    sentiment_n: int = 0
    sentiment_sum: float = 0.0
    negativity_sum: float = 0.0
    intensity_sum: float = 0.0
    effort_n: int = 0

    @property
    def mean_sentiment(self) -> float | None:
        return self.sentiment_sum / self.sentiment_n if self.sentiment_n else None


@dataclass
class Sums:
    """Everything a filtered view computes from the aggregates (cached; no ORM objects in it)."""

    corpus_days: dict[date, int]
    corpus_kpis: dict[str, Moments]
    pp_kpis: dict[str, dict[str, Moments]]
    pp_units: dict[str, UnitTotals]
    scores: dict[str, PriorityResult] = field(default_factory=dict)
    stages: dict[str, StageAggregate] | None = None
    pp_channels: dict[str, dict[str, int]] | None = None  # the journey map's; a detail reads its own

    @property
    def total_items(self) -> int:
        return sum(self.corpus_days.values())

    @property
    def as_of(self) -> date | None:
        return max(self.corpus_days, default=None)


@dataclass
class SummaryView:
    """A filtered view: live pain points (fresh rows) and the cached sums and scores of the data version."""

    workspace: Workspace
    filters: ViewFilters
    version: int
    pain_points: dict[str, PainPoint]
    sums: Sums

    @property
    def scores(self) -> dict[str, PriorityResult]:
        return self.sums.scores

    @property
    def as_of(self) -> date | None:
        return self.sums.as_of

    def n_units(self, pp_id: str) -> int:
        return self.sums.pp_units.get(pp_id, UnitTotals()).n_units

    def mean_sentiment(self, pp_id: str) -> float | None:
        return self.sums.pp_units.get(pp_id, UnitTotals()).mean_sentiment

    def channels(self, pp_id: str, session: Session | None = None) -> dict[str, int]:
        """Distinct items per channel, most first (ties by name, so the order is stable): from the view's
        sums when it loaded every pain point's (``with_stages``), else read for this one (``session``)."""
        if self.sums.pp_channels is not None:
            counts = self.sums.pp_channels.get(pp_id, {})
        elif session is not None:
            counts = pp_channels(session, self.workspace.id, self.filters, pp_id).get(pp_id, {})
        else:
            raise ValueError("channels of one pain point need a session")
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def mention_days(self, session: Session, pp_id: str) -> dict[date, int]:
        """Distinct items mentioning the pain point per day, in scope: read for one pain point on demand
        (the cache keeps only scores, not every pain point's days: its size stays small)."""
        rows = session.execute(
            select(_I.c.day, func.sum(_I.c.n_items))
            .where(*_where(_I, self.workspace.id, "pp", self.filters, grain(self.filters)), _I.c.key == pp_id)
            .group_by(_I.c.day)
        )
        return {_as_date(day): int(n) for day, n in rows}


CACHE: Lru[Sums] = Lru()


_DIMS = ("channel", "source", "segment", "language")


def grain(filters: ViewFilters, by_channel: bool = False) -> str:
    """The coarsest stored grain that answers: ``day`` without dimension filters, ``channel`` when only the
    channel is filtered (or broken down), ``full`` otherwise."""
    used = {d for d in _DIMS if getattr(filters, d)}
    if not used:
        return "channel" if by_channel else "day"
    return "channel" if used == {"channel"} else "full"


def _where(table: Any, workspace_id: str, kind: str, filters: ViewFilters, grain: str) -> list[Any]:
    conds = [table.c.workspace_id == workspace_id, table.c.grain == grain, table.c.kind == kind]
    for name in _DIMS:
        value = getattr(filters, name)
        if value:
            conds.append(table.c[name] == value)
    if filters.since:
        conds.append(table.c.day >= filters.since)
    if filters.until:
        conds.append(table.c.day <= filters.until)
    return conds


def _kpi_sums() -> list[Any]:
    return [func.sum(_I.c[f"{k}_{part}"]) for k in _KPIS for part in ("n", "sum", "sq")]


def _moments(values: Any) -> dict[str, Moments]:
    out = {}
    for j, k in enumerate(_KPIS):
        n, total, squares = values[3 * j : 3 * j + 3]
        out[k] = Moments(int(n or 0), float(total or 0.0), float(squares or 0.0))
    return out


def _add(a: Moments, b: Moments) -> Moments:
    return Moments(a.n + b.n, a.total + b.total, a.squares + b.squares)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def pp_channels(
    session: Session, workspace_id: str, filters: ViewFilters, pp_id: str | None = None
) -> dict[str, dict[str, int]]:
    """Distinct items per pain point and channel (one pain point's with ``pp_id``)."""
    conds = _where(_I, workspace_id, "pp", filters, grain(filters, by_channel=True))
    by: Any = _I.c.channel
    if pp_id is not None:
        conds.append(_I.c.key == pp_id)
        if session.get_bind().dialect.name == "sqlite":
            # Grouped by ``+channel`` (the same values): else SQLite walks every pain point's rows in the
            # channel index (already ordered by channel) rather than this one's by key: 45 ms -> 1 ms at 100k.
            by = literal_column(f"+{_I.name}.channel")
    out: dict[str, dict[str, int]] = {}
    for key, channel, n in session.execute(
        select(_I.c.key, by, func.sum(_I.c.n_items)).where(*conds).group_by(_I.c.key, by)
    ):
        counts = out.setdefault(key, {})
        counts[channel or "unknown"] = counts.get(channel or "unknown", 0) + int(n)
    return out


def _windowed_mentions(
    session: Session, ws: str, filters: ViewFilters, g: str, as_of: date, config: PriorityConfig
) -> dict[str, tuple[MentionWindows, dict[str, Moments]]]:
    """Per pain point in scope, its mentions added up over the trend's windows and its items' KPI moments,
    in one ``GROUP BY key`` (one row per pain point): the database adds the pain point × day rows up
    instead of sending them (~21,000 per channel at a million items) for Python to add."""
    recent_start, baseline_start = window_starts(as_of, config)
    day, n = _I.c.day, _I.c.n_items
    out = {}
    for key, total, recent, baseline, last, *kpis in session.execute(
        select(
            _I.c.key,
            func.sum(n),
            func.sum(case((and_(day >= recent_start, day <= as_of), n), else_=0)),
            func.sum(case((and_(day >= baseline_start, day < recent_start), n), else_=0)),
            func.max(case((n > 0, day))),
            *_kpi_sums(),
        )
        .where(*_where(_I, ws, "pp", filters, g))
        .group_by(_I.c.key)
    ):
        last_seen = None if last is None else _as_date(last)
        out[key] = (MentionWindows(int(total), int(recent), int(baseline), last_seen), _moments(kpis))
    return out


def compute_sums(session: Session, workspace: Workspace, filters: ViewFilters, live: list[str]) -> Sums:
    """The view's corpus days and KPI moments, then per pain point its windowed mentions, KPI moments and
    unit sums (two ``GROUP BY key`` scans of the pain point rows in scope), scored."""
    ws = workspace.id
    g = grain(filters)
    config = priority_config(workspace)
    corpus_days: dict[date, int] = {}
    corpus_kpis = {k: Moments() for k in _KPIS}
    for day, n, *kpis in session.execute(
        select(_I.c.day, func.sum(_I.c.n_items), *_kpi_sums())
        .where(*_where(_I, ws, "all", filters, g))
        .group_by(_I.c.day)
    ):
        corpus_days[_as_date(day)] = int(n)
        corpus_kpis = {k: _add(corpus_kpis[k], m) for k, m in _moments(kpis).items()}
    # the scoring's as_of: the last day in scope (``score_from_sums`` takes today when there is none)
    as_of = max((d for d, n in corpus_days.items() if n), default=None) or date.today()
    mentions = _windowed_mentions(session, ws, filters, g, as_of, config)
    pp_kpis = {key: kpis for key, (_, kpis) in mentions.items()}
    pp_units = {
        key: UnitTotals(int(n), int(sn), float(ss), float(neg), float(inten), int(eff))
        for key, n, sn, ss, neg, inten, eff in session.execute(
            select(
                _U.c.key,
                func.sum(_U.c.n_units),
                func.sum(_U.c.sentiment_n),
                func.sum(_U.c.sentiment_sum),
                func.sum(_U.c.negativity_sum),
                func.sum(_U.c.intensity_sum),
                func.sum(_U.c.effort_n),
            )
            .where(*_where(_U, ws, "pp", filters, g))
            .group_by(_U.c.key)
        )
    }
    sums = Sums(corpus_days, corpus_kpis, pp_kpis, pp_units)
    none = MentionWindows(0, 0, 0, None)
    results = score_from_sums(
        [
            PainPointSums(
                pid,
                n_units=(t := pp_units.get(pid, UnitTotals())).n_units,
                items_by_day={},
                negativity_sum=t.negativity_sum,
                intensity_sum=t.intensity_sum,
                effort_units=t.effort_n,
                kpis=pp_kpis.get(pid, {}),
                windows=mentions[pid][0] if pid in mentions else none,
            )
            for pid in live
        ],
        CorpusSums(corpus_days, corpus_kpis),
        as_of,
        config,
    )
    sums.scores = {r.pain_point_id: r for r in results}
    return sums


def live_pain_points(session: Session, workspace_id: str) -> dict[str, PainPoint]:
    return {
        p.id: p
        for p in session.scalars(
            select(PainPoint)
            .where(PainPoint.workspace_id == workspace_id, col(PainPoint.merged_into_id).is_(None))  # type: ignore[arg-type]
            .options(defer(PainPoint.centroid))  # type: ignore[arg-type]
        ).all()
    }


def load_summary(
    session: Session,
    workspace: Workspace,
    filters: ViewFilters | None = None,
    with_stages: bool = False,
    build_inline: bool = False,
) -> SummaryView:
    """The filtered view from the stored sums, cached per version. Sums behind the data are brought forward
    first when that is small or ``build_inline`` (the worker); else the last build is served and a background
    thread builds the next (``read_freshness``)."""
    filters = filters or ViewFilters()
    settings = get_settings()
    version = version_for_read(
        session,
        workspace.id,
        settings.read_max_staleness_s,
        settings.read_sums_delta,
        None if build_inline else settings.read_inline_build_max_rows,
    )
    pps = live_pain_points(session, workspace.id)
    live = sorted(pps)
    config = priority_config(workspace).model_dump_json()
    item_filters = tuple(sorted(filters.item_filters().items()))
    key = (workspace.id, version, item_filters, config, hash(tuple(live)))
    sums = CACHE.get_or_compute(key, lambda: compute_sums(session, workspace, filters, live))
    if with_stages and sums.stages is None:
        from service.analysis.view_stages import stage_aggregates  # it reads this module's sum helpers

        sums.stages = stage_aggregates(session, workspace.id, filters)
        sums.pp_channels = pp_channels(session, workspace.id, filters)
    return SummaryView(workspace, filters, version, pps, sums)


def load_summary_after_write(session: Session, workspace: Workspace) -> SummaryView:
    """``load_summary`` for the answer of an applied edit (patch, merge, rename): a workspace whose sums were
    never built builds them here rather than answer "retry" (``SumsBuilding``) for a write that was done."""
    try:
        return load_summary(session, workspace)
    except SumsBuilding:
        return load_summary(session, workspace, build_inline=True)


def unit_mix(session: Session, view: SummaryView, pp_id: str, column: str) -> Counter[str]:
    """How many of the pain point's units in scope carry each value of ``column`` (``sentiment`` or
    ``emotion``; ``none`` when missing), from the stored per-value sums: bounded by values x days, not by the
    pain point's size."""
    kind = {"sentiment": "sent", "emotion": "emo"}[column]
    prefix = f"{pp_id}|"
    counts: Counter[str] = Counter()
    for key, n in session.execute(
        select(_U.c.key, func.sum(_U.c.n_units))
        .where(
            *_where(_U, view.workspace.id, kind, view.filters, grain(view.filters)),
            _U.c.key >= prefix,
            _U.c.key < f"{pp_id}}}",  # the keys that start with "<id>|" ("}" follows "|")
        )
        .group_by(_U.c.key)
    ):
        counts[key[len(prefix) :] or "none"] += int(n)
    return counts


def visible(view: SummaryView) -> list[PainPoint]:
    """``view.visible_pain_points`` on sums: own fields, and a mention in scope when items are filtered."""
    return [p for p in view.pain_points.values() if passes(p, view.filters, bool(view.n_units(p.id)))]


def sort_key(view: SummaryView, sort: str) -> Callable[[PainPoint], tuple[float, str]]:
    return scores_sort_key(view.scores, sort)


def closed_loop(view: SummaryView, pp: PainPoint, mention_days: dict[date, int]) -> ClosedLoopReport | None:
    if pp.status != "resolved" or pp.resolved_at is None:
        return None
    as_of = max([view.as_of or pp.resolved_at.date(), pp.resolved_at.date()])
    return closed_loop_report(mention_days, view.sums.corpus_days, pp.resolved_at.date(), as_of)


def map_entry(view: SummaryView, p: PainPoint) -> MapPainPoint:
    r = view.scores[p.id]
    rating = next((i for i in r.impacts if i.metric == "rating"), None)
    quote = (p.quotes or [{}])[0].get("text") if p.quotes else None
    return MapPainPoint(
        id=p.id,
        label=display_name(p, workspace_language(view.workspace)),
        stage=p.stage or "unknown",
        priority=r.priority,
        n_items=r.n_items,
        share=r.share,
        mean_sentiment=view.mean_sentiment(p.id),
        trend_ratio=r.trend.ratio,
        emerging=r.trend.emerging,
        impact=rating.difference if rating else None,
        status=p.status,
        keyphrases=tuple(p.keyphrases or ()),
        segments=tuple(list(view.channels(p.id))[:3]),
        quote=quote,
        kind="pain_point" if p.kind == "pain" else "opportunity",
    )


def journey_map(
    view: SummaryView, top_n: int = 5, entries: Sequence[MapPainPoint] | None = None, lang: str = "en"
) -> JourneyMap:
    """``view.journey_map`` on sums (``load_summary(..., with_stages=True)``); ``entries`` replaces its pain
    points (parent themes, ``?group_by=theme``: ``service.themes.summary.theme_map_entries``). ``lang`` is
    the reader's: stage labels, title and explanations in it (pain point names follow the workspace's name
    language, as on every page)."""
    if entries is None:
        entries = [map_entry(view, p) for p in visible(view) if view.n_units(p.id)]
    return build_journey_map(
        stage_specs(view.workspace, lang),
        view.sums.stages or {},
        [e for e in entries if e.kind == "pain_point"],
        [e for e in entries if e.kind == "opportunity"],
        title=map_translator(lang)("map.title", name=view.workspace.name),
        top_n=top_n,
        filters=view.filters.item_filters(),
        total_items=view.sums.total_items,
        lang=lang,
    )
