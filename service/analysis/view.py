"""Read side: load a workspace's feedback, units and pain points under filters, score them, build the map.

Scores are computed on read from the filtered corpus (a pain point's share among *web* feedback differs
from its share overall) with the pure functions of ``nlp.scoring.priority``; the analysis job stores the
unfiltered score on the pain point for alerts (``emerging``) and quick listing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from sqlalchemy import select as sa_select
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from nlp.journey_map.build import JourneyMap, MapPainPoint, StageAggregate, StageSpec, build_journey_map
from nlp.scoring.closed_loop import ClosedLoopReport, closed_loop_report
from nlp.scoring.priority import (
    FeedbackFact,
    PainPointInput,
    PriorityConfig,
    PriorityResult,
    score_pain_points,
)
from nlp.scoring.signals import feedback_fact, unit_signal
from service.analysis.filters import select_items
from service.api.params import QueryDate, check_period
from service.models import FeedbackItem, OpinionUnit, PainPoint, Workspace
from service.themes.naming import display_name, workspace_language
from service.workspaces.taxonomy import workspace_taxonomy


class ViewFilters(BaseModel):
    """Filters shared by the pain point list and the journey map (all optional)."""

    model_config = ConfigDict(extra="forbid")

    stage: str | None = Field(default=None, max_length=64, description="Journey stage id, or `unknown`")
    channel: str | None = Field(
        default=None, max_length=100, description="Touchpoint/channel of the feedback"
    )
    source: str | None = Field(
        default=None, max_length=100, description="Source of the feedback (trustpilot...)"
    )
    kind: str | None = Field(
        default=None, pattern="^(pain|opportunity)$", description="`pain` or `opportunity`"
    )
    segment: str | None = Field(default=None, max_length=100, description="Customer segment / persona")
    language: str | None = Field(default=None, pattern="^(fr|en|other)$", description="`fr`, `en` or `other`")
    status: str | None = Field(
        default=None, pattern="^(open|in_progress|resolved)$", description="`open`, `in_progress`, `resolved`"
    )
    since: QueryDate | None = Field(default=None, description="Period start (YYYY-MM-DD, inclusive)")
    until: QueryDate | None = Field(default=None, description="Period end (YYYY-MM-DD, inclusive)")

    @field_validator("until")
    @classmethod
    def _until_after_since(cls, value: date | None, info: ValidationInfo) -> date | None:
        check_period(info.data.get("since"), value)
        return value

    def item_filters(self) -> dict[str, str]:
        keep = ("channel", "source", "segment", "language", "since", "until")
        return {k: str(v) for k, v in self.model_dump().items() if k in keep and v is not None}


def item_scope(workspace_id: str, filters: ViewFilters) -> Any:
    """The view's item filters as one ``WHERE`` clause on ``feedback_item``: the rule ``load_view`` applies
    (``select_items``), for the SQL reads that join items (themes, search)."""
    return _scoped_items(workspace_id, filters).whereclause


def _scoped_items(workspace_id: str, filters: ViewFilters) -> Any:
    return select_items(
        workspace_id,
        source=filters.source,
        channel=filters.channel,
        segment=filters.segment,
        language=filters.language,
        since=datetime.combine(filters.since, time.min, UTC) if filters.since else None,
        until=datetime.combine(filters.until, time.max, UTC) if filters.until else None,
    )


def priority_config(workspace: Workspace) -> PriorityConfig:
    """The workspace's configured weights (``settings.priority``), falling back to documented defaults."""
    raw = (workspace.settings or {}).get("priority")
    if not raw:
        return PriorityConfig()
    try:
        return PriorityConfig.model_validate(raw)
    except ValidationError:
        return PriorityConfig()


def stage_specs(workspace: Workspace, lang: str = "en") -> list[StageSpec]:
    """Stages in journey order from the workspace taxonomy (the default one when none was PUT), labelled in
    ``lang`` (the taxonomy names each stage in English and French)."""
    stages = workspace_taxonomy(workspace).stages
    return [StageSpec(s.id, s.label.fr if lang == "fr" else s.label.en) for s in stages]


@dataclass(frozen=True, slots=True)
class ItemRow:
    """The columns of a feedback item that scores and maps read (not its text or metadata, the bulk)."""

    id: str
    created_at: datetime
    rating: int | None
    nps: int | None
    csat: int | None
    channel: str | None
    source: str
    segment: str | None
    language: str


@dataclass(frozen=True, slots=True)
class UnitRow:
    """The columns of an opinion unit that scores and maps read (not its text or embedding)."""

    feedback_id: str
    pain_point_id: str | None
    sentiment: str | None
    sentiment_score: float | None
    emotion: str | None
    effort: bool
    stage: str | None


_ITEM_COLUMNS = tuple(getattr(FeedbackItem, f) for f in ItemRow.__slots__)
_UNIT_COLUMNS = tuple(getattr(OpinionUnit, f) for f in UnitRow.__slots__)


@dataclass
class View:
    workspace: Workspace
    filters: ViewFilters
    items: dict[str, ItemRow]
    units: list[UnitRow]
    pain_points: dict[str, PainPoint]
    units_by_pp: dict[str, list[UnitRow]] = field(default_factory=dict)
    scores: dict[str, PriorityResult] = field(default_factory=dict)
    as_of: date | None = None

    def facts(self) -> list[FeedbackFact]:
        return [
            feedback_fact(i.id, i.created_at.date(), i.rating, i.nps, i.csat) for i in self.items.values()
        ]


def load_view(session: Session, workspace: Workspace, filters: ViewFilters | None = None) -> View:
    """Items and units as plain rows of the few columns the scores use: a fraction of the memory and time
    of ORM objects carrying texts, metadata and embeddings."""
    filters = filters or ViewFilters()
    stmt = _scoped_items(workspace.id, filters)
    items = {row[0]: ItemRow(*row) for row in session.execute(stmt.with_only_columns(*_ITEM_COLUMNS))}
    unit_rows = session.execute(
        sa_select(*_UNIT_COLUMNS).where(OpinionUnit.workspace_id == workspace.id)  # type: ignore[arg-type]
    )
    units = [UnitRow(*row) for row in unit_rows if row[0] in items]
    pps = {
        p.id: p
        for p in session.exec(
            select(PainPoint)
            .where(PainPoint.workspace_id == workspace.id, col(PainPoint.merged_into_id).is_(None))
            .options(defer(PainPoint.centroid))  # type: ignore[arg-type]
        ).all()
    }
    view = View(workspace, filters, items, units, pps)
    for u in units:
        if u.pain_point_id in pps:
            view.units_by_pp.setdefault(u.pain_point_id, []).append(u)
    view.as_of = max((i.created_at.date() for i in items.values()), default=None)
    results = score_pain_points(
        [
            PainPointInput(
                pid,
                [
                    unit_signal(u.feedback_id, u.sentiment_score, u.emotion, u.effort)
                    for u in view.units_by_pp.get(pid, [])
                ],
            )
            for pid in pps
        ],
        view.facts(),
        view.as_of,
        priority_config(workspace),
    )
    view.scores = {r.pain_point_id: r for r in results}
    return view


def passes(p: PainPoint, f: ViewFilters, mentioned: bool) -> bool:
    """A pain point passes the filters on its own fields, and needs a mention in scope when items are
    filtered (one rule for the full scan and the stored-sums path)."""
    if f.kind and p.kind != f.kind:
        return False
    if f.status and p.status != f.status:
        return False
    if f.stage and (p.stage or "unknown") != f.stage:
        return False
    return mentioned or not f.item_filters()


def visible_pain_points(view: View) -> list[PainPoint]:
    """Pain points passing the filters: their own fields, and a mention when items are filtered."""
    return [p for p in view.pain_points.values() if passes(p, view.filters, bool(view.units_by_pp.get(p.id)))]


SORT_KEYS = ("priority", "volume", "trend", "impact")


def sort_key(view: View, sort: str) -> Any:
    return scores_sort_key(view.scores, sort)


def scores_sort_key(
    scores: Mapping[str, PriorityResult], sort: str
) -> Callable[[PainPoint], tuple[float, str]]:
    """Highest ``sort`` value first, then id: one order for the full scan and the stored-sums path."""

    def key(p: PainPoint) -> tuple[float, str]:
        r = scores[p.id]
        value = {
            "priority": r.priority,
            "volume": float(r.n_items),
            "trend": r.trend.ratio if r.trend.ratio is not None else 0.0,
            "impact": r.components.impact,
        }[sort]
        return (-value, p.id)

    return key


def mean_sentiment(units: Sequence[UnitRow]) -> float | None:
    vals = [u.sentiment_score for u in units if u.sentiment_score is not None]
    return sum(vals) / len(vals) if vals else None


def channels_of(view: View, units: Sequence[UnitRow]) -> dict[str, int]:
    ids = {u.feedback_id for u in units}
    return dict(Counter(view.items[i].channel or "unknown" for i in ids).most_common())


def closed_loop_for(view: View, pp: PainPoint) -> ClosedLoopReport | None:
    if pp.status != "resolved" or pp.resolved_at is None:
        return None
    mention_days = [
        view.items[i].created_at.date() for i in {u.feedback_id for u in view.units_by_pp.get(pp.id, [])}
    ]
    corpus_days = [i.created_at.date() for i in view.items.values()]
    as_of = max([view.as_of or pp.resolved_at.date(), pp.resolved_at.date()])
    return closed_loop_report(mention_days, corpus_days, pp.resolved_at.date(), as_of)


def _nps(values: Sequence[int]) -> float | None:
    if not values:
        return None
    promoters = sum(1 for v in values if v >= 9)
    detractors = sum(1 for v in values if v <= 6)
    return 100.0 * (promoters - detractors) / len(values)


def map_entry(view: View, p: PainPoint) -> MapPainPoint:
    r = view.scores[p.id]
    units = view.units_by_pp.get(p.id, [])
    rating = next((i for i in r.impacts if i.metric == "rating"), None)
    quote = (p.quotes or [{}])[0].get("text") if p.quotes else None
    return MapPainPoint(
        id=p.id,
        label=display_name(p, workspace_language(view.workspace)),  # its natural name; an edited label wins
        stage=p.stage or "unknown",
        priority=r.priority,
        n_items=r.n_items,
        share=r.share,
        mean_sentiment=mean_sentiment(units),
        trend_ratio=r.trend.ratio,
        emerging=r.trend.emerging,
        impact=rating.difference if rating else None,
        status=p.status,
        keyphrases=tuple(p.keyphrases or ()),
        segments=tuple(list(channels_of(view, units))[:3]),
        quote=quote,
        kind="pain_point" if p.kind == "pain" else "opportunity",
    )


def journey_map(view: View, top_n: int = 5, entries: Sequence[MapPainPoint] | None = None) -> JourneyMap:
    """The map of ``view``; ``entries`` replaces its pain points (e.g. parent themes, ``?group_by=theme``)."""
    by_stage: dict[str, list[UnitRow]] = defaultdict(list)
    for u in view.units:
        by_stage[u.stage or "unknown"].append(u)
    aggregates: dict[str, StageAggregate] = {}
    for stage, units in by_stage.items():
        item_ids = {u.feedback_id for u in units}
        items = [view.items[i] for i in item_ids]
        ratings = [i.rating for i in items if i.rating is not None]
        aggregates[stage] = StageAggregate(
            stage_id=stage,
            n_items=len(item_ids),
            n_units=len(units),
            touchpoints=Counter(i.channel or "unknown" for i in items),
            mean_sentiment=mean_sentiment(units),
            mean_rating=sum(ratings) / len(ratings) if ratings else None,
            nps=_nps([i.nps for i in items if i.nps is not None]),
            effort_share=sum(1 for u in units if u.effort) / len(units),
        )
    if entries is None:
        entries = [map_entry(view, p) for p in visible_pain_points(view) if view.units_by_pp.get(p.id)]
    return build_journey_map(
        stage_specs(view.workspace),
        aggregates,
        [e for e in entries if e.kind == "pain_point"],
        [e for e in entries if e.kind == "opportunity"],
        title=f"{view.workspace.name} — customer journey",
        top_n=top_n,
        filters=view.filters.item_filters(),
        total_items=len(view.items),
    )
