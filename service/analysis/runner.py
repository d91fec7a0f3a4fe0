"""The analysis job's steps over the database: extract units, re-cluster with stable ids, score.

Each step is restartable. ``extract_pending`` only touches items that have no units for the current
embedding model and commits per batch, so a retried or resumed job continues where the killed one stopped.
``recluster`` writes pain points and unit assignments in one transaction. Human edits survive: a matched
pain point keeps its id, status, owner, due date and fix effort, and its label / stage when a person edited
them (``label_edited`` / ``stage_edited``); clusters that match a pain point merged by a person go to the
merge target.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from nlp.pipeline import Record
from nlp.tagging.types import UNKNOWN_STAGE
from nlp.themes.incremental import PreviousCluster, assign_new_units, match_clusters
from service.analysis.backend import (
    AnalysisBackend,
    ClusterOut,
    UnitForClustering,
    from_blob,
    to_blob,
    vector,
)
from service.analysis.filters import select_items
from service.models import FeedbackItem, OpinionUnit, PainPoint
from service.models.types import utcnow

logger = logging.getLogger(__name__)

ProgressFn = Callable[[float, str], None]


class AnalysisScope(BaseModel):
    """Which feedback an analysis covers; empty means the whole workspace."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(default=None, max_length=100)
    channel: str | None = Field(default=None, max_length=100)
    segment: str | None = Field(default=None, max_length=100)
    language: str | None = Field(default=None, pattern="^(fr|en|other)$")
    since: datetime | None = None
    until: datetime | None = None

    def is_whole_workspace(self) -> bool:
        return not any(self.model_dump().values())


def scoped_items(workspace_id: str, scope: AnalysisScope) -> Any:
    return select_items(workspace_id, **scope.model_dump())


def _pending_ids(
    session: Session,
    workspace_id: str,
    scope: AnalysisScope,
    model_id: str,
    stages: Collection[str] | None = None,
) -> list[str]:
    """Items in scope without units embedded by ``model_id`` (never analysed, or by another model), and,
    when ``stages`` is given, items with a unit tagged with a stage outside it (taxonomy replaced since)."""
    done = (
        select(OpinionUnit.feedback_id)
        .where(OpinionUnit.workspace_id == workspace_id, OpinionUnit.embedding_model == model_id)
        .distinct()
    )
    pending: ColumnElement[bool] = col(FeedbackItem.id).not_in(done)
    if stages is not None:
        stale = (
            select(OpinionUnit.feedback_id)
            .where(
                OpinionUnit.workspace_id == workspace_id,
                col(OpinionUnit.stage).is_not(None),
                col(OpinionUnit.stage).not_in(sorted({*stages, UNKNOWN_STAGE})),
            )
            .distinct()
        )
        pending = or_(pending, col(FeedbackItem.id).in_(stale))
    stmt = scoped_items(workspace_id, scope).where(pending)
    stmt = stmt.order_by(FeedbackItem.created_at, FeedbackItem.id)
    return [item.id for item in session.exec(stmt).all()]


def as_record(item: FeedbackItem) -> Record:
    """A stored item as the pipeline's record (its id is the feedback id)."""
    return Record(
        text=item.text,
        id=item.id,
        rating=item.rating,
        nps=item.nps,
        date=item.created_at.isoformat() if item.created_at else None,
        language=item.language,
    )


def extract_items(
    session: Session, workspace_id: str, feedback_ids: Sequence[str], backend: AnalysisBackend
) -> int:
    """(Re-)extract units for these items and commit; returns the number of units written."""
    items = session.exec(
        select(FeedbackItem).where(
            FeedbackItem.workspace_id == workspace_id, col(FeedbackItem.id).in_(list(feedback_ids))
        )
    ).all()
    if not items:
        return 0
    records = [as_record(i) for i in items]
    extracted = backend.extract(records)
    ids = [i.id for i in items]
    # Keep the pain point of units whose text did not change, so a model upgrade does not orphan history.
    previous = {
        (u.feedback_id, u.start, u.end): u.pain_point_id
        for u in session.exec(select(OpinionUnit).where(col(OpinionUnit.feedback_id).in_(ids))).all()
    }
    session.execute(delete(OpinionUnit).where(col(OpinionUnit.feedback_id).in_(ids)))
    for u in extracted:
        session.add(
            OpinionUnit(
                workspace_id=workspace_id,
                feedback_id=u.feedback_id,
                start=u.start,
                end=u.end,
                text=u.text,
                language=u.language,
                sentiment=u.tags.sentiment,
                sentiment_score=u.tags.sentiment_score,
                emotion=u.tags.emotion,
                stage=u.tags.stage,
                stage_confidence=u.tags.stage_confidence,
                effort=u.tags.effort,
                effort_type=u.tags.effort_type,
                embedding=to_blob(u.embedding),
                embedding_model=backend.model_id,
                pain_point_id=previous.get((u.feedback_id, u.start, u.end)),
            )
        )
    try:
        session.commit()
    except IntegrityError:
        # Another worker extracted these items at the same time (unique span index): its units stand.
        session.rollback()
        logger.info("units of %d item(s) were written concurrently by another task", len(ids))
        return 0
    return len(extracted)


def extract_pending(
    session: Session,
    workspace_id: str,
    scope: AnalysisScope,
    backend: AnalysisBackend,
    batch_size: int = 64,
    on_progress: ProgressFn | None = None,
    stages: Collection[str] | None = None,
) -> int:
    """Extract every item in scope that needs it; ``stages``: the workspace taxonomy's stage ids, so units
    tagged under a replaced taxonomy are re-tagged."""
    pending = _pending_ids(session, workspace_id, scope, backend.model_id, stages)
    total = len(pending)
    written = 0
    for start in range(0, total, batch_size):
        written += extract_items(session, workspace_id, pending[start : start + batch_size], backend)
        if on_progress:
            on_progress(
                min(start + batch_size, total) / total, f"extracted {min(start + batch_size, total)}/{total}"
            )
    return written


def _resolve(pp_by_id: dict[str, PainPoint], pp_id: str) -> str:
    """Follow ``merged_into_id`` to the surviving pain point (guards against cycles)."""
    seen = set()
    while pp_id in pp_by_id and pp_by_id[pp_id].merged_into_id and pp_id not in seen:
        seen.add(pp_id)
        pp_id = pp_by_id[pp_id].merged_into_id or pp_id
    return pp_id


NEW = "__new__"
ASSIGN_MIN_SIM = 0.55  # nlp.themes.incremental's default: below it a unit waits for the next re-clustering


def _key(u: UnitForClustering) -> tuple[str, int, int]:
    """Units are re-created when re-extracted; (item, span) identifies them across runs."""
    return (u.feedback_id, u.start, u.end)


def _nearest(vectors: np.ndarray, centroids: Sequence[tuple[str, np.ndarray]]) -> list[str | None]:
    if not centroids or len(vectors) == 0:
        return [None] * len(vectors)
    ids = [pid for pid, _ in centroids]
    matrix = np.vstack([c for _, c in centroids]).astype(np.float32)
    return assign_new_units(np.asarray(vectors, dtype=np.float32), matrix, ids, min_sim=ASSIGN_MIN_SIM)


def _unit_kind(sentiment: str | None) -> str | None:
    return {"negative": "pain", "positive": "opportunity"}.get(sentiment or "")


def is_human_touched(pp: PainPoint) -> bool:
    return bool(
        pp.label_edited
        or pp.stage_edited
        or pp.status != "open"
        or pp.owner
        or pp.due_date
        or pp.fix_effort is not None
    )


@dataclass
class ReclusterResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    units: int = 0
    assigned: int = 0


def recluster(
    session: Session, workspace_id: str, scope: AnalysisScope, backend: AnalysisBackend
) -> ReclusterResult:
    """Cluster every unit in scope and write pain points with stable ids, in one transaction."""
    rows = session.exec(
        select(OpinionUnit)
        .join(FeedbackItem, col(FeedbackItem.id) == col(OpinionUnit.feedback_id))
        .where(
            OpinionUnit.workspace_id == workspace_id,
            OpinionUnit.embedding_model == backend.model_id,
            col(FeedbackItem.id).in_(scoped_items(workspace_id, scope).with_only_columns(FeedbackItem.id)),
        )
        # The CLI's order (records by date, then their units): clustering ties and sampling follow the order.
        .order_by(col(FeedbackItem.created_at), col(FeedbackItem.id), col(OpinionUnit.start))
    ).all()
    result = ReclusterResult(units=len(rows))
    units = [
        UnitForClustering(
            u.id,
            u.feedback_id,
            u.text,
            u.language,
            u.sentiment,
            u.sentiment_score,
            u.stage,
            u.stage_confidence,
            emb,
            u.start,
            u.end,
        )
        for u in rows
        if (emb := from_blob(u.embedding)) is not None
    ]
    by_unit_id = {u.id: u for u in rows}
    clusters = backend.cluster(units) if units else []

    all_pps = session.exec(select(PainPoint).where(PainPoint.workspace_id == workspace_id)).all()
    pp_by_id = {p.id: p for p in all_pps}
    members_now: dict[str, set[tuple[str, int, int]]] = {}
    for u in rows:
        if u.pain_point_id:
            members_now.setdefault(u.pain_point_id, set()).add((u.feedback_id, u.start, u.end))
    targets: dict[int, str] = {}
    algorithmic_merges: dict[str, list[str]] = {}
    for kind in ("pain", "opportunity"):
        idx = [i for i, c in enumerate(clusters) if c.kind == kind]
        previous = [
            PreviousCluster(p.id, c, frozenset(members_now.get(p.id, set())))
            for p in all_pps
            if p.kind == kind
            and p.embedding_model == backend.model_id
            and (c := from_blob(p.centroid)) is not None
        ]
        if not idx:
            continue
        matching = match_clusters(
            previous,
            np.vstack([clusters[i].centroid for i in idx]).astype(np.float32),
            [frozenset(_key(units[m]) for m in clusters[i].members) for i in idx],
            make_id=lambda _n: NEW,
        )
        for local, old_id in enumerate(matching.ids):
            if old_id != NEW:
                targets[idx[local]] = _resolve(pp_by_id, old_id)
        for surviving, olds in matching.merged.items():
            algorithmic_merges.setdefault(_resolve(pp_by_id, surviving), []).extend(olds)

    now = utcnow()
    members_of: dict[str, list[int]] = {}
    cluster_of_pp: dict[str, ClusterOut] = {}
    for i, cluster in enumerate(clusters):
        pp_id = targets.get(i)
        if pp_id is None:
            pp = PainPoint(workspace_id=workspace_id, kind=cluster.kind, label=cluster.label[:300])
            session.add(pp)
            pp_by_id[pp.id] = pp
            pp_id = pp.id
            result.created.append(pp_id)
        members_of.setdefault(pp_id, []).extend(cluster.members)
        # The largest cluster mapped to a pain point describes it (two can land on a merge target).
        if pp_id not in cluster_of_pp or len(cluster.members) > len(cluster_of_pp[pp_id].members):
            cluster_of_pp[pp_id] = cluster

    session.flush()  # new pain points exist before units point at them (no ORM relationship orders this)

    # Reset assignments in scope, then assign cluster members.
    for u in rows:
        u.pain_point_id = None
    for pp_id, members in members_of.items():
        pp = pp_by_id[pp_id]
        cluster = cluster_of_pp[pp_id]
        member_units = [by_unit_id[units[m].unit_id] for m in members]
        for u in member_units:
            u.pain_point_id = pp_id
        _describe(pp, cluster, [units[m] for m in members], units, backend.model_id, now)
        if pp_id not in result.created:
            result.updated.append(pp_id)

    # An untouched pain point whose units mostly went into another one now points at it (links keep working).
    for surviving, olds in algorithmic_merges.items():
        for old_id in olds:
            old_pp = pp_by_id.get(old_id)
            if old_pp and old_id != surviving and old_id not in members_of and not is_human_touched(old_pp):
                old_pp.merged_into_id = surviving
                old_pp.size = 0
                result.merged.append(old_id)

    # Units the clustering left out join a surviving pain point when they are close enough to it.
    survivors = {pid: pp_by_id[pid] for pid in {*members_of, *(p.id for p in all_pps if is_human_touched(p))}}
    leftovers = [u for u in rows if u.pain_point_id is None and _unit_kind(u.sentiment)]
    for kind in ("pain", "opportunity"):
        # A pain point a person kept from before an embedding-model change has a centroid in the old space.
        cents = [
            (p.id, c)
            for p in survivors.values()
            if p.kind == kind
            and not p.merged_into_id
            and p.embedding_model == backend.model_id
            and (c := from_blob(p.centroid)) is not None
        ]
        todo = [u for u in leftovers if _unit_kind(u.sentiment) == kind and u.embedding]
        if not todo or not cents:
            continue
        vecs = np.vstack([vector(u.embedding) for u in todo])
        for u, pid in zip(todo, _nearest(vecs, cents), strict=True):
            u.pain_point_id = pid
    session.flush()
    result.assigned = sum(1 for u in rows if u.pain_point_id)

    # Untouched pain points that lost every unit disappear; edited or resolved ones stay (closed loop).
    if scope.is_whole_workspace():
        counts = dict(
            session.exec(
                select(OpinionUnit.pain_point_id, func.count())
                .where(OpinionUnit.workspace_id == workspace_id, col(OpinionUnit.pain_point_id).is_not(None))
                .group_by(OpinionUnit.pain_point_id)
            ).all()
        )
        for p in all_pps:
            n = counts.get(p.id, 0)
            p.size = n
            if n == 0 and not p.merged_into_id and not is_human_touched(p):
                session.delete(p)
                result.removed.append(p.id)
    session.commit()
    return result


def _describe(
    pp: PainPoint,
    cluster: ClusterOut,
    members: Sequence[UnitForClustering],
    units: Sequence[UnitForClustering],
    model_id: str,
    now: datetime,
) -> None:
    if not pp.label_edited:
        pp.label = cluster.label[:300]
    if not pp.stage_edited:
        stage, conf, runner_up = cluster.stage, cluster.stage_confidence, cluster.stage_runner_up
        if stage is None:
            votes = Counter(m.stage for m in members if m.stage)
            ranked = votes.most_common(2)
            if ranked:
                stage = ranked[0][0]
                conf = ranked[0][1] / len(members)
                runner_up = ranked[1][0] if len(ranked) > 1 else None
        pp.stage, pp.stage_confidence, pp.stage_runner_up = stage, conf, runner_up
    pp.keyphrases = list(cluster.keyphrases)
    pp.quotes = [
        {"unit_id": units[q].unit_id, "feedback_id": units[q].feedback_id, "text": units[q].text}
        for q in cluster.quotes[:5]
    ]
    langs = Counter(m.language for m in members)
    pp.language_mix = {k: v / len(members) for k, v in langs.items()} if members else None
    pp.centroid = to_blob(cluster.centroid)
    pp.embedding_model = model_id
    pp.size = len(members)
    pp.updated_at = now


def assign_items(
    session: Session, workspace_id: str, feedback_ids: Sequence[str], backend: AnalysisBackend
) -> int:
    """Incremental path: tag and embed new items, attach their units to the nearest existing pain points."""
    pending = [
        fid
        for fid in feedback_ids
        if not session.exec(
            select(OpinionUnit.id).where(
                OpinionUnit.feedback_id == fid, OpinionUnit.embedding_model == backend.model_id
            )
        ).first()
    ]
    if pending:
        extract_items(session, workspace_id, pending, backend)
    units = session.exec(
        select(OpinionUnit).where(
            OpinionUnit.workspace_id == workspace_id,
            col(OpinionUnit.feedback_id).in_(list(feedback_ids)),
            col(OpinionUnit.pain_point_id).is_(None),
        )
    ).all()
    pps = session.exec(
        select(PainPoint).where(
            PainPoint.workspace_id == workspace_id,
            col(PainPoint.merged_into_id).is_(None),
            PainPoint.embedding_model == backend.model_id,
            or_(col(PainPoint.centroid).is_not(None)),
        )
    ).all()
    assigned = 0
    for kind in ("pain", "opportunity"):
        todo = [u for u in units if _unit_kind(u.sentiment) == kind and u.embedding]
        cents = [(p.id, c) for p in pps if p.kind == kind and (c := from_blob(p.centroid)) is not None]
        if not todo or not cents:
            continue
        vecs = np.vstack([vector(u.embedding) for u in todo])
        for u, pid in zip(todo, _nearest(vecs, cents), strict=True):
            if pid:
                u.pain_point_id = pid
                assigned += 1
    by_id = {p.id: p for p in pps}
    for pid, n in Counter(u.pain_point_id for u in units if u.pain_point_id).items():
        by_id[pid].size += n
        by_id[pid].updated_at = utcnow()
    session.commit()
    return assigned
