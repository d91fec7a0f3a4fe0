"""Pain points: ranked list with explained scores, detail, mentions, human edits, merge and split."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from service.analysis.view import ViewFilters
from service.analysis.view_summary import SummaryView, load_summary, load_summary_after_write
from service.api.deps import CurrentWorkspace, SessionDep
from service.api.docs import request_examples
from service.api.errors import error_responses
from service.models import PainPoint, Workspace
from service.pain_points import service
from service.pain_points.schemas import (
    MERGE_EXAMPLES,
    PATCH_EXAMPLES,
    SPLIT_EXAMPLES,
    ClosedLoopOut,
    FeedbackMention,
    MentionPage,
    MergeRequest,
    PainPointDetail,
    PainPointOut,
    PainPointPage,
    PainPointPatch,
    Quote,
    ScoreOut,
    SplitRequest,
    SplitResult,
    WeekCount,
)
from service.themes.naming import display_name, present_languages, shown_names, workspace_language

router = APIRouter(prefix="/pain-points", tags=["pain points"])
TAGS = [
    {
        "name": "pain points",
        "description": "Recurring irritants (and opportunities) ranked by a priority score returned with"
        " its components: volume, severity, impact (with 95 % CI), trend (with an `emerging` test),"
        " effort, recency.",
    }
]

Filters = Annotated[ViewFilters, Query()]
#: A pain point named by id may not exist (404) or may have been merged into another one (409).
PainPointId = Annotated[str, Path(description="Pain point id", max_length=36)]


class ListQuery(ViewFilters):
    sort: Literal["priority", "volume", "trend", "impact"] = Field(
        default="priority", description="Order: priority score, items, trend ratio or impact component"
    )
    theme_id: str | None = Field(
        default=None,
        max_length=36,
        description="Only the pain points of this parent theme (`GET /v1/themes`)",
    )
    limit: int = Field(default=50, ge=1, le=200, description="Page size")
    offset: int = Field(default=0, ge=0, description="Items to skip")

    def filters(self) -> ViewFilters:
        return ViewFilters.model_validate(self.model_dump(exclude={"sort", "limit", "offset", "theme_id"}))


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=500, description="Page size")
    offset: int = Field(default=0, ge=0, description="Items to skip")


def _score_out(view: SummaryView, pp: PainPoint) -> ScoreOut:
    data = view.scores[pp.id].to_dict()
    return ScoreOut.model_validate(data)


def _out(view: SummaryView, pp: PainPoint) -> PainPointOut:
    r = view.scores[pp.id]
    return PainPointOut(
        id=pp.id,
        kind=pp.kind,
        label=pp.label,
        label_edited=pp.label_edited,
        name=display_name(pp, workspace_language(view.workspace)),
        names=shown_names(pp.names, present_languages([pp.language_mix])),
        theme_id=pp.theme_id,
        stage=pp.stage,
        stage_confidence=pp.stage_confidence,
        stage_edited=pp.stage_edited,
        status=pp.status,
        owner=pp.owner,
        due_date=pp.due_date,
        fix_effort=pp.fix_effort,
        resolved_at=pp.resolved_at,
        emerging=r.trend.emerging,
        items=r.n_items,
        units=r.n_units,
        keyphrases=list(pp.keyphrases or []),
        score=_score_out(view, pp),
        created_at=pp.created_at,
        updated_at=pp.updated_at,
    )


def _detail(session: Session, view: SummaryView, pp: PainPoint) -> PainPointDetail:
    facts = service.detail_facts(session, view, pp)
    return PainPointDetail(
        **_out(view, pp).model_dump(),
        stage_runner_up=pp.stage_runner_up,
        quotes=[Quote.model_validate(q) for q in (pp.quotes or []) if isinstance(q, dict) and q.get("text")],
        language_mix=pp.language_mix,
        sentiment_mix=facts.sentiment_mix,
        emotion_mix=facts.emotion_mix,
        mean_sentiment=facts.mean_sentiment,
        effort_share=facts.effort_share,
        channels=facts.channels,
        timeline=[WeekCount(week=w, items=n) for w, n in facts.timeline],
        merged_from=facts.merged_from,
        closed_loop=ClosedLoopOut.model_validate(facts.closed_loop.to_dict()) if facts.closed_loop else None,
    )


def _edited(session: Session, workspace: Workspace, pp: PainPoint) -> PainPointDetail:
    """Answer a human edit (patch, merge) with the detail recomputed on the stored state, so the response
    shows the scores the next list call will show. The edit is committed: a workspace whose sums were never
    built builds them here rather than answer "retry" (``SumsBuilding``) for a write that was applied."""
    return _detail(session, load_summary_after_write(session, workspace), pp)


@router.get(
    "",
    response_model=PainPointPage,
    summary="List pain points ranked by priority, with filters and the period",
)
def list_pain_points(
    workspace: CurrentWorkspace, session: SessionDep, q: Annotated[ListQuery, Query()]
) -> PainPointPage:
    """Ranked pain points; `since`/`until` (dates) select the period, scores are computed on that slice."""
    view, pps = service.ranked(session, workspace, q.filters(), q.sort)
    if q.theme_id is not None:
        pps = [p for p in pps if p.theme_id == q.theme_id]
    return PainPointPage(
        total=len(pps),
        limit=q.limit,
        offset=q.offset,
        sort=q.sort,
        items=[_out(view, p) for p in pps[q.offset : q.offset + q.limit]],
    )


@router.get(
    "/{pain_point_id}",
    response_model=PainPointDetail,
    summary="Read one pain point: score explained, quotes, weekly trend, closed-loop verdict",
    responses=error_responses(
        409, e409="This pain point was merged into another; `errors` names the id to use instead."
    ),
)
def get_pain_point(
    pain_point_id: PainPointId, workspace: CurrentWorkspace, session: SessionDep, filters: Filters
) -> PainPointDetail:
    pp = service.get_pain_point(session, workspace, pain_point_id)
    return _detail(session, load_summary(session, workspace, filters), pp)


@router.get(
    "/{pain_point_id}/feedback",
    response_model=MentionPage,
    summary="List the feedback that mentions a pain point",
    responses=error_responses(
        409, e409="This pain point was merged into another; `errors` names the id to use instead."
    ),
)
def pain_point_feedback(
    pain_point_id: PainPointId,
    workspace: CurrentWorkspace,
    session: SessionDep,
    q: Annotated[PageQuery, Query()],
) -> MentionPage:
    """Feedback items that mention the pain point, newest first, with the matching opinion units."""
    pp = service.get_pain_point(session, workspace, pain_point_id)
    total, page = service.mentions(session, workspace, pp, q.limit, q.offset)
    return MentionPage(
        total=total,
        limit=q.limit,
        offset=q.offset,
        items=[
            FeedbackMention(
                id=i.id,
                text=i.text,
                source=i.source,
                channel=i.channel,
                language=i.language,
                rating=i.rating,
                nps=i.nps,
                created_at=i.created_at,
                units=units,
            )
            for i, units in page
        ],
    )


@router.patch(
    "/{pain_point_id}",
    response_model=PainPointDetail,
    summary="Rename, re-stage, or set the status, owner and due date of a pain point",
    responses=error_responses(
        409, e409="This pain point was merged into another; `errors` names the id to use instead."
    ),
    openapi_extra=request_examples(PATCH_EXAMPLES),
)
def patch_pain_point(
    pain_point_id: PainPointId, body: PainPointPatch, workspace: CurrentWorkspace, session: SessionDep
) -> PainPointDetail:
    pp = service.patch_pain_point(session, workspace, pain_point_id, body)
    return _edited(session, workspace, pp)


@router.post(
    "/merge",
    response_model=PainPointDetail,
    summary="Merge pain points into one",
    responses=error_responses(
        404,
        409,
        e404="`target_id` or a `source_ids` entry is not in your workspace.",
        e409="A pain point was already merged into another; `errors` names it.",
    ),
    openapi_extra=request_examples(MERGE_EXAMPLES),
)
def merge_pain_points(
    body: MergeRequest, workspace: CurrentWorkspace, session: SessionDep
) -> PainPointDetail:
    """Fold `source_ids` into `target_id`: their units move, their ids answer 409 pointing at the target,
    and later re-clustering sends clusters that look like them to the target."""
    target = service.merge_pain_points(session, workspace, body.target_id, body.source_ids)
    return _edited(session, workspace, target)


@router.post(
    "/{pain_point_id}/split",
    response_model=SplitResult,
    summary="Split a pain point into 2 to 8 smaller ones",
    responses=error_responses(
        409, e409="This pain point was merged into another; `errors` names the id to use instead."
    ),
    openapi_extra=request_examples(SPLIT_EXAMPLES),
)
def split_pain_point(
    pain_point_id: PainPointId,
    workspace: CurrentWorkspace,
    session: SessionDep,
    body: SplitRequest | None = None,
) -> SplitResult:
    """Re-cluster the pain point's units into `parts` groups (k-means on their embeddings). The largest
    group keeps the id and the human edits; the others become new pain points labelled by their most
    central unit until the next analysis relabels them."""
    body = body or SplitRequest()
    ids = service.split_pain_point(session, workspace, pain_point_id, body.parts)
    return SplitResult(original_id=ids[0], pain_point_ids=ids)
