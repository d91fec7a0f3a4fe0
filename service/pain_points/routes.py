"""Pain points: ranked list with explained scores, detail, mentions, human edits, merge and split."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Literal

import numpy as np
from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sklearn.cluster import KMeans
from sqlmodel import Session, col, select

from nlp.scoring.priority import weekly_timeline
from service.analysis.backend import from_blob, to_blob, vector
from service.analysis.view import (
    View,
    ViewFilters,
    channels_of,
    closed_loop_for,
    load_view,
    mean_sentiment,
    sort_key,
    stage_specs,
    visible_pain_points,
)
from service.api.deps import CurrentWorkspace, SessionDep
from service.api.errors import field_error
from service.models import FeedbackItem, OpinionUnit, PainPoint, Workspace
from service.models.types import utcnow
from service.pain_points.schemas import (
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
PainPointId = Annotated[str, Path(description="Pain point id", max_length=36)]


class ListQuery(ViewFilters):
    sort: Literal["priority", "volume", "trend", "impact"] = Field(
        default="priority", description="Order: priority score, items, trend ratio or impact component"
    )
    limit: int = Field(default=50, ge=1, le=200, description="Page size")
    offset: int = Field(default=0, ge=0, description="Items to skip")

    def filters(self) -> ViewFilters:
        return ViewFilters.model_validate(self.model_dump(exclude={"sort", "limit", "offset"}))


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=500, description="Page size")
    offset: int = Field(default=0, ge=0, description="Items to skip")


def _score_out(view: View, pp: PainPoint) -> ScoreOut:
    data = view.scores[pp.id].to_dict()
    return ScoreOut.model_validate(data)


def _out(view: View, pp: PainPoint) -> PainPointOut:
    r = view.scores[pp.id]
    return PainPointOut(
        id=pp.id,
        kind=pp.kind,
        label=pp.label,
        label_edited=pp.label_edited,
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


def _mix(values: list[str | None]) -> dict[str, float]:
    counts = Counter(v or "none" for v in values)
    n = sum(counts.values())
    return {k: round(v / n, 4) for k, v in counts.most_common()} if n else {}


def _detail(session: Session, view: View, pp: PainPoint) -> PainPointDetail:
    units = view.units_by_pp.get(pp.id, [])
    days = [view.items[i].created_at.date() for i in {u.feedback_id for u in units}]
    merged_from = session.exec(select(PainPoint.id).where(PainPoint.merged_into_id == pp.id)).all()
    loop = closed_loop_for(view, pp)
    return PainPointDetail(
        **_out(view, pp).model_dump(),
        stage_runner_up=pp.stage_runner_up,
        quotes=[Quote.model_validate(q) for q in (pp.quotes or []) if isinstance(q, dict) and q.get("text")],
        language_mix=pp.language_mix,
        sentiment_mix=_mix([u.sentiment for u in units]),
        emotion_mix=_mix([u.emotion for u in units]),
        mean_sentiment=mean_sentiment(units),
        effort_share=view.scores[pp.id].effort_share,
        channels=channels_of(view, units),
        timeline=[WeekCount(week=w, items=n) for w, n in weekly_timeline(days)],
        merged_from=list(merged_from),
        closed_loop=ClosedLoopOut.model_validate(loop.to_dict()) if loop else None,
    )


def _save_edit(session: Session, workspace: Workspace, pp: PainPoint) -> PainPointDetail:
    """Commit a human edit (edit, merge) and answer with the detail recomputed on the stored state, so the
    response shows the scores the next list call will show."""
    pp.updated_at = utcnow()
    session.add(pp)
    session.commit()
    session.refresh(pp)
    return _detail(session, load_view(session, workspace), pp)


def _get(session: Session, workspace: Workspace, pp_id: str, field: str = "pain_point_id") -> PainPoint:
    pp = session.get(PainPoint, pp_id)
    if pp is None or pp.workspace_id != workspace.id:
        raise field_error(404, field, "not_found", f"no pain point {pp_id!r} in this workspace")
    if pp.merged_into_id:
        raise field_error(
            409, field, "merged", f"pain point {pp_id!r} was merged into {pp.merged_into_id!r}; use that id"
        )
    return pp


@router.get("", response_model=PainPointPage)
def list_pain_points(
    workspace: CurrentWorkspace, session: SessionDep, q: Annotated[ListQuery, Query()]
) -> PainPointPage:
    """Ranked pain points; `since`/`until` (dates) select the period, scores are computed on that slice."""
    view = load_view(session, workspace, q.filters())
    pps = sorted(visible_pain_points(view), key=sort_key(view, q.sort))
    return PainPointPage(
        total=len(pps),
        limit=q.limit,
        offset=q.offset,
        sort=q.sort,
        items=[_out(view, p) for p in pps[q.offset : q.offset + q.limit]],
    )


@router.get("/{pain_point_id}", response_model=PainPointDetail)
def get_pain_point(
    pain_point_id: PainPointId, workspace: CurrentWorkspace, session: SessionDep, filters: Filters
) -> PainPointDetail:
    pp = _get(session, workspace, pain_point_id)
    return _detail(session, load_view(session, workspace, filters), pp)


@router.get("/{pain_point_id}/feedback", response_model=MentionPage)
def pain_point_feedback(
    pain_point_id: PainPointId,
    workspace: CurrentWorkspace,
    session: SessionDep,
    q: Annotated[PageQuery, Query()],
) -> MentionPage:
    """Feedback items that mention the pain point, newest first, with the matching opinion units."""
    pp = _get(session, workspace, pain_point_id)
    units = session.exec(
        select(OpinionUnit).where(
            OpinionUnit.workspace_id == workspace.id, OpinionUnit.pain_point_id == pp.id
        )
    ).all()
    by_item: dict[str, list[str]] = {}
    for u in sorted(units, key=lambda u: u.start):
        by_item.setdefault(u.feedback_id, []).append(u.text)
    items = session.exec(
        select(FeedbackItem)
        .where(FeedbackItem.workspace_id == workspace.id, col(FeedbackItem.id).in_(list(by_item)))
        .order_by(col(FeedbackItem.created_at).desc(), col(FeedbackItem.id))
    ).all()
    page = items[q.offset : q.offset + q.limit]
    return MentionPage(
        total=len(items),
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
                units=by_item.get(i.id, []),
            )
            for i in page
        ],
    )


@router.patch("/{pain_point_id}", response_model=PainPointDetail)
def patch_pain_point(
    pain_point_id: PainPointId, body: PainPointPatch, workspace: CurrentWorkspace, session: SessionDep
) -> PainPointDetail:
    pp = _get(session, workspace, pain_point_id)
    fields = body.model_fields_set
    if "label" in fields:
        if body.label is None:
            raise field_error(422, "label", "not_null", "label cannot be null")
        pp.label, pp.label_edited = body.label, True
    if "stage" in fields:
        allowed = {s.id for s in stage_specs(workspace)} | {"unknown"}
        if body.stage is None or body.stage not in allowed:
            raise field_error(422, "stage", "one_of", f"stage must be one of {', '.join(sorted(allowed))}")
        pp.stage, pp.stage_edited, pp.stage_confidence = body.stage, True, 1.0
    if "status" in fields:
        if body.status is None:
            raise field_error(422, "status", "not_null", "status cannot be null")
        if body.status == "resolved" and pp.status != "resolved":
            pp.resolved_at = body.resolved_at or utcnow()
        elif body.status != "resolved":
            pp.resolved_at = None
        pp.status = body.status
    if "resolved_at" in fields and body.resolved_at is not None:
        if pp.status != "resolved":
            raise field_error(422, "resolved_at", "requires_resolved", "set status to 'resolved' first")
        pp.resolved_at = body.resolved_at
    if "owner" in fields:
        pp.owner = body.owner.strip() if body.owner else None
    if "due_date" in fields:
        pp.due_date = body.due_date
    if "fix_effort" in fields:
        pp.fix_effort = body.fix_effort
    return _save_edit(session, workspace, pp)


@router.post("/merge", response_model=PainPointDetail)
def merge_pain_points(
    body: MergeRequest, workspace: CurrentWorkspace, session: SessionDep
) -> PainPointDetail:
    """Fold `source_ids` into `target_id`: their units move, their ids answer 409 pointing at the target,
    and later re-clustering sends clusters that look like them to the target."""
    target = _get(session, workspace, body.target_id, "target_id")
    sources = []
    for n, sid in enumerate(dict.fromkeys(body.source_ids)):
        if sid == target.id:
            raise field_error(
                422, f"source_ids.{n}", "not_target", "a pain point cannot be merged into itself"
            )
        src = _get(session, workspace, sid, f"source_ids.{n}")
        if src.kind != target.kind:
            raise field_error(
                422, f"source_ids.{n}", "same_kind", "pain points and opportunities cannot merge"
            )
        sources.append(src)
    weights: list[int] = []
    vectors: list[np.ndarray] = []
    for p in [target, *sources]:
        c = from_blob(p.centroid)
        if c is not None and (not vectors or len(c) == len(vectors[0])):
            vectors.append(c)
            weights.append(max(p.size, 1))
    for src in sources:
        for u in session.exec(select(OpinionUnit).where(OpinionUnit.pain_point_id == src.id)).all():
            u.pain_point_id = target.id
            session.add(u)
        target.quotes = (target.quotes or []) + [
            q for q in (src.quotes or []) if q not in (target.quotes or [])
        ]
        target.keyphrases = list(dict.fromkeys([*(target.keyphrases or []), *(src.keyphrases or [])]))
        target.size += src.size
        src.size = 0
        src.merged_into_id = target.id
        src.updated_at = utcnow()
        session.add(src)
    if vectors:
        centroid = np.average(np.vstack(vectors), axis=0, weights=weights)
        target.centroid = to_blob(centroid / (np.linalg.norm(centroid) or 1.0))
    target.quotes = (target.quotes or [])[:5]
    return _save_edit(session, workspace, target)


@router.post("/{pain_point_id}/split", response_model=SplitResult)
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
    pp = _get(session, workspace, pain_point_id)
    units = [
        u
        for u in session.exec(select(OpinionUnit).where(OpinionUnit.pain_point_id == pp.id)).all()
        if u.embedding
    ]
    if len(units) < 2 * body.parts:
        raise field_error(
            422,
            "parts",
            "too_few_units",
            f"{len(units)} units cannot be split into {body.parts} groups of 2+",
        )
    x = np.vstack([vector(u.embedding) for u in units]).astype(np.float64)
    labels = KMeans(n_clusters=body.parts, n_init=10, random_state=0).fit_predict(x)
    groups = sorted(range(body.parts), key=lambda g: (-int((labels == g).sum()), g))
    if any(int((labels == g).sum()) == 0 for g in groups):
        raise field_error(422, "parts", "degenerate", "the units do not form that many distinct groups")
    ids = []
    for rank, g in enumerate(groups):
        members = [u for u, lab in zip(units, labels, strict=True) if lab == g]
        vecs = x[labels == g]
        centroid = vecs.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        order = np.argsort(-(vecs @ centroid))
        quotes = [
            {"unit_id": members[i].id, "feedback_id": members[i].feedback_id, "text": members[i].text}
            for i in order[:5]
        ]
        if rank == 0:
            target = pp
        else:
            central = members[int(order[0])].text.strip()
            target = PainPoint(
                workspace_id=workspace.id,
                kind=pp.kind,
                label=(central[:77] + "…") if len(central) > 80 else central,
                stage=pp.stage,
                stage_confidence=pp.stage_confidence,
                embedding_model=pp.embedding_model,
            )
        target.centroid = to_blob(centroid)
        target.quotes = quotes
        target.size = len(members)
        target.updated_at = utcnow()
        session.add(target)
        session.flush()
        for u in members:
            u.pain_point_id = target.id
            session.add(u)
        ids.append(target.id)
    session.commit()
    return SplitResult(original_id=pp.id, pain_point_ids=ids)
