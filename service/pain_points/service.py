"""Pain point use cases: look-up, mentions, detail facts, and the human edits (patch, merge, split).

The routes only parse and shape; the rules of an edit (what a merge moves, which group of a split keeps the
id) live here, and the vector arithmetic in ``nlp.themes.edits``. Errors are raised as the API's field
errors so that every route answers with the same status, field and rule it always did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from nlp.scoring.closed_loop import ClosedLoopReport
from nlp.scoring.trend import weekly_timeline
from nlp.themes.edits import DegenerateSplitError, TooFewVectorsError, merged_centroid, split_vectors
from service.analysis.backend import from_blob, to_blob, vector
from service.analysis.view import ViewFilters, stage_specs
from service.analysis.view_summary import SummaryView, closed_loop, load_summary, sort_key, unit_mix, visible
from service.api.errors import field_error
from service.models import FeedbackItem, OpinionUnit, PainPoint, Workspace
from service.models.types import utcnow
from service.pain_points.schemas import PainPointPatch

MAX_QUOTES = 5
MAX_LABEL = 80


@dataclass(frozen=True)
class DetailFacts:
    """What a pain point's detail shows beyond its list entry, computed on one view."""

    sentiment_mix: dict[str, float]
    emotion_mix: dict[str, float]
    mean_sentiment: float | None
    effort_share: float
    channels: dict[str, int]
    timeline: list[tuple[date, int]]
    merged_from: list[str]
    closed_loop: ClosedLoopReport | None


def get_pain_point(
    session: Session, workspace: Workspace, pp_id: str, field: str = "pain_point_id"
) -> PainPoint:
    """A live pain point of the workspace; a merged-away id answers 409 naming its target, so a client
    holding an old id learns where it went."""
    pp = session.get(PainPoint, pp_id)
    if pp is None or pp.workspace_id != workspace.id:
        raise field_error(404, field, "not_found", f"no pain point {pp_id!r} in this workspace")
    if pp.merged_into_id:
        raise field_error(
            409, field, "merged", f"pain point {pp_id!r} was merged into {pp.merged_into_id!r}; use that id"
        )
    return pp


def ranked(
    session: Session, workspace: Workspace, filters: ViewFilters, sort: str
) -> tuple[SummaryView, list[PainPoint]]:
    """Visible pain points in ``sort`` order, with the view their scores were computed on."""
    view = load_summary(session, workspace, filters)
    return view, sorted(visible(view), key=sort_key(view, sort))


def share_mix(counts: Counter[str]) -> dict[str, float]:
    """Share of each value, most common first (ties by name); a missing value counts as ``none`` so shares
    sum to 1."""
    n = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {k: round(v / n, 4) for k, v in ordered} if n else {}


def detail_facts(session: Session, view: SummaryView, pp: PainPoint) -> DetailFacts:
    """From the view's sums, and the pain point's own units for the tag mixes (one ``GROUP BY`` each)."""
    merged_from = session.exec(select(PainPoint.id).where(PainPoint.merged_into_id == pp.id)).all()
    days = view.mention_days(session, pp.id)
    return DetailFacts(
        sentiment_mix=share_mix(unit_mix(session, view, pp.id, "sentiment")),
        emotion_mix=share_mix(unit_mix(session, view, pp.id, "emotion")),
        mean_sentiment=view.mean_sentiment(pp.id),
        effort_share=view.scores[pp.id].effort_share,
        channels=view.channels(pp.id, session),
        timeline=weekly_timeline(days),
        merged_from=list(merged_from),
        closed_loop=closed_loop(view, pp, days),
    )


def mentions(
    session: Session, workspace: Workspace, pp: PainPoint, limit: int, offset: int
) -> tuple[int, list[tuple[FeedbackItem, list[str]]]]:
    """Feedback items mentioning the pain point, newest first: the total, and the page with the texts of
    the matching units in reading order. Only the page's items and units are loaded."""
    mentioned = (
        select(OpinionUnit.feedback_id)
        .where(OpinionUnit.workspace_id == workspace.id, OpinionUnit.pain_point_id == pp.id)
        .distinct()
        .subquery()
    )
    total = session.exec(select(func.count()).select_from(mentioned)).one()
    items = session.exec(
        select(FeedbackItem)
        .where(
            FeedbackItem.workspace_id == workspace.id,
            col(FeedbackItem.id).in_(select(mentioned.c.feedback_id)),
        )
        .order_by(col(FeedbackItem.created_at).desc(), col(FeedbackItem.id))
        .offset(offset)
        .limit(limit)
    ).all()
    units = session.exec(
        select(OpinionUnit.feedback_id, OpinionUnit.text)
        .where(OpinionUnit.pain_point_id == pp.id, col(OpinionUnit.feedback_id).in_([i.id for i in items]))
        .order_by(col(OpinionUnit.start))
    ).all()
    by_item: dict[str, list[str]] = {}
    for feedback_id, text in units:
        by_item.setdefault(feedback_id, []).append(text)
    return int(total), [(i, by_item.get(i.id, [])) for i in items]


def _save_edit(session: Session, pp: PainPoint) -> PainPoint:
    pp.updated_at = utcnow()
    session.add(pp)
    session.commit()
    session.refresh(pp)
    return pp


def patch_pain_point(session: Session, workspace: Workspace, pp_id: str, patch: PainPointPatch) -> PainPoint:
    """Apply the fields the client sent (``None`` clears where clearing makes sense) and commit. An edited
    label or stage is flagged so that re-analysis keeps it."""
    pp = get_pain_point(session, workspace, pp_id)
    fields = patch.model_fields_set
    if "label" in fields:
        if patch.label is None:
            raise field_error(422, "label", "not_null", "label cannot be null")
        pp.label, pp.label_edited = patch.label, True
    if "stage" in fields:
        allowed = {s.id for s in stage_specs(workspace)} | {"unknown"}
        if patch.stage is None or patch.stage not in allowed:
            raise field_error(422, "stage", "one_of", f"stage must be one of {', '.join(sorted(allowed))}")
        pp.stage, pp.stage_edited, pp.stage_confidence = patch.stage, True, 1.0
    if "status" in fields:
        if patch.status is None:
            raise field_error(422, "status", "not_null", "status cannot be null")
        if patch.status == "resolved" and pp.status != "resolved":
            pp.resolved_at = patch.resolved_at or utcnow()
        elif patch.status != "resolved":
            pp.resolved_at = None
        pp.status = patch.status
    if "resolved_at" in fields and patch.resolved_at is not None:
        if pp.status != "resolved":
            raise field_error(422, "resolved_at", "requires_resolved", "set status to 'resolved' first")
        pp.resolved_at = patch.resolved_at
    if "owner" in fields:
        pp.owner = patch.owner.strip() if patch.owner else None
    if "due_date" in fields:
        pp.due_date = patch.due_date
    if "fix_effort" in fields:
        pp.fix_effort = patch.fix_effort
    return _save_edit(session, pp)


def merge_pain_points(
    session: Session, workspace: Workspace, target_id: str, source_ids: Sequence[str]
) -> PainPoint:
    """Fold the sources into the target and commit: units, quotes, keyphrases and size move to the target,
    whose centroid becomes the size-weighted mean; the sources stay as tombstones (``merged_into_id``) so
    their ids answer 409 and re-clustering sends look-alike clusters to the target."""
    target = get_pain_point(session, workspace, target_id, "target_id")
    sources = []
    for n, sid in enumerate(dict.fromkeys(source_ids)):
        if sid == target.id:
            raise field_error(
                422, f"source_ids.{n}", "not_target", "a pain point cannot be merged into itself"
            )
        src = get_pain_point(session, workspace, sid, f"source_ids.{n}")
        if src.kind != target.kind:
            raise field_error(
                422, f"source_ids.{n}", "same_kind", "pain points and opportunities cannot merge"
            )
        sources.append(src)
    parts = [target, *sources]
    # Sizes are read before the loop below moves them to the target.
    centroid = merged_centroid([from_blob(p.centroid) for p in parts], [p.size for p in parts])
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
    if centroid is not None:
        target.centroid = to_blob(centroid)
    target.quotes = (target.quotes or [])[:MAX_QUOTES]
    return _save_edit(session, target)


def _short_label(text: str) -> str:
    text = text.strip()
    return (text[: MAX_LABEL - 3] + "…") if len(text) > MAX_LABEL else text


def split_pain_point(session: Session, workspace: Workspace, pp_id: str, parts: int) -> list[str]:
    """Re-cluster the pain point's embedded units into ``parts`` groups and commit. The largest group
    keeps the id and the human edits; the others become new pain points labelled by their most central
    unit until the next analysis relabels them. Returns the ids, the original first."""
    pp = get_pain_point(session, workspace, pp_id)
    # A fixed order: k-means depends on the order of its input (PostgreSQL returns rows in any order).
    stmt = (
        select(OpinionUnit)
        .where(OpinionUnit.pain_point_id == pp.id)
        .order_by(col(OpinionUnit.feedback_id), col(OpinionUnit.start))
    )
    units = [u for u in session.exec(stmt).all() if u.embedding]
    try:
        groups = split_vectors([vector(u.embedding) for u in units], parts)
    except TooFewVectorsError as exc:
        raise field_error(
            422,
            "parts",
            "too_few_units",
            f"{exc.n_vectors} units cannot be split into {parts} groups of {exc.min_per_part}+",
        ) from exc
    except DegenerateSplitError as exc:
        raise field_error(
            422, "parts", "degenerate", "the units do not form that many distinct groups"
        ) from exc
    ids = []
    for rank, group in enumerate(groups):
        members = [units[i] for i in group.members]
        quotes: list[dict[str, Any]] = [
            {"unit_id": units[i].id, "feedback_id": units[i].feedback_id, "text": units[i].text}
            for i in group.by_centrality[:MAX_QUOTES]
        ]
        if rank == 0:
            target = pp
        else:
            target = PainPoint(
                workspace_id=workspace.id,
                kind=pp.kind,
                label=_short_label(units[group.by_centrality[0]].text),
                stage=pp.stage,
                stage_confidence=pp.stage_confidence,
                embedding_model=pp.embedding_model,
            )
        target.centroid = to_blob(group.centroid)
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
    return ids
