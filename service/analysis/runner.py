"""The analysis job's second step: re-cluster with stable ids; and the incremental path for new items.

Extraction, the first step, is in ``extraction.py``. ``recluster`` writes pain points and unit assignments in
one transaction. Human edits survive: a matched pain point keeps its id, status, owner, due date and fix
effort, and its label / stage when a person edited them (``label_edited`` / ``stage_edited``); clusters that
match a pain point merged by a person go to the merge target.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy import bindparam, func, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.sql.elements import ColumnElement  # sqlmodel's select types up to four columns
from sqlmodel import Session, col, select

from nlp.phases import phase
from nlp.themes.incremental import PreviousCluster, assign_new_units, match_clusters
from nlp.themes.naming import majority_language, pick_name
from service.analysis.backend import (
    F16_HEADER,
    AnalysisBackend,
    ClusterOut,
    StackedUnits,
    from_blob,
    to_blob,
    vector,
)
from service.analysis.extraction import AnalysisScope, extract_items, scoped_items
from service.models import FeedbackItem, OpinionUnit, PainPoint, Workspace
from service.models.types import utcnow
from service.themes.naming import workspace_language
from service.themes.service import ThemeDraft, sync_themes

logger = logging.getLogger(__name__)


def _resolve(pp_by_id: dict[str, PainPoint], pp_id: str) -> str:
    """Follow ``merged_into_id`` to the surviving pain point (guards against cycles)."""
    seen = set()
    while pp_id in pp_by_id and pp_by_id[pp_id].merged_into_id and pp_id not in seen:
        seen.add(pp_id)
        pp_id = pp_by_id[pp_id].merged_into_id or pp_id
    return pp_id


NEW = "__new__"
ASSIGN_MIN_SIM = 0.55  # nlp.themes.incremental's default: below it a unit waits for the next re-clustering


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


@dataclass
class _ScopeUnits:
    """The units in scope as columns (``StackedUnits``: their float16 vectors in one matrix), their stored
    assignments, and the ids of units without a vector."""

    units: StackedUnits
    stored: list[str | None]
    no_vector: list[tuple[str, str | None]]

    @property
    def matrix(self) -> np.ndarray:
        return self.units.matrix


_UNIT_COLUMNS = (
    col(OpinionUnit.id),
    col(OpinionUnit.feedback_id),
    col(OpinionUnit.text),
    col(OpinionUnit.language),
    col(OpinionUnit.sentiment),
    col(OpinionUnit.sentiment_score),
    col(OpinionUnit.stage),
    col(OpinionUnit.stage_confidence),
    col(OpinionUnit.embedding),
    col(OpinionUnit.start),
    col(OpinionUnit.end),
    col(OpinionUnit.pain_point_id),
)


def _vector16(blob: bytes | None) -> np.ndarray | None:
    """A stored vector as float16 when it was stored so (read as is), else as float32 (an old blob)."""
    if blob and blob[:4] == F16_HEADER:
        return np.frombuffer(blob, dtype=np.float16, offset=4)
    return from_blob(blob)


def _scope_units(
    session: Session, workspace_id: str, scope: AnalysisScope, model_id: str, chunk: int = 500
) -> _ScopeUnits:
    """Select the clustering's columns (no ORM object, no Python object per unit) and decode each vector
    straight into one preallocated matrix, float16 as stored (float32 only if some blob is an old float32
    one): memory is the matrix (1 KB a unit at 512 dimensions), the ids and the texts."""
    where: tuple[ColumnElement[bool], ...] = (
        col(OpinionUnit.workspace_id) == workspace_id,
        col(OpinionUnit.embedding_model) == model_id,
        col(FeedbackItem.id).in_(scoped_items(workspace_id, scope).with_only_columns(FeedbackItem.id)),
    )
    join = col(FeedbackItem.id) == col(OpinionUnit.feedback_id)
    total = session.execute(
        select(func.count()).select_from(OpinionUnit).join(FeedbackItem, join).where(*where)
    ).scalar_one()
    stmt = (
        sa_select(*_UNIT_COLUMNS)
        .join(FeedbackItem, join)
        .where(*where)
        # The CLI's order (records by date, then their units): clustering ties and sampling follow the order.
        .order_by(col(FeedbackItem.created_at), col(FeedbackItem.id), col(OpinionUnit.start))
        .execution_options(yield_per=chunk)
    )
    shared: dict[str | None, str | None] = {}  # one string object per distinct language / sentiment / stage
    ids: list[str] = []
    fids: list[str] = []
    texts: list[str] = []
    langs: list[str] = []
    sents: list[str | None] = []
    stages: list[str | None] = []
    scores = np.empty(total, dtype=np.float64)
    confs = np.empty(total, dtype=np.float64)
    starts = np.empty(total, dtype=np.int64)
    ends = np.empty(total, dtype=np.int64)
    stored: list[str | None] = []
    no_vector: list[tuple[str, str | None]] = []
    matrix: np.ndarray | None = None
    for row in session.execute(stmt):
        (uid, fid, text, lang, sent, score, stage, conf, blob, start, end, pp_id) = row
        vec = _vector16(blob)
        if vec is None:
            no_vector.append((uid, pp_id))
            continue
        if matrix is None:
            matrix = np.empty((total, vec.shape[0]), dtype=vec.dtype)
        elif vec.dtype == np.float32 and matrix.dtype == np.float16:  # old float32 blobs: widen once, exactly
            matrix = matrix.astype(np.float32)
        i = len(ids)
        matrix[i] = vec
        ids.append(uid)
        fids.append(fid)
        texts.append(text)
        langs.append(shared.setdefault(lang, lang) or "")
        sents.append(shared.setdefault(sent, sent))
        stages.append(shared.setdefault(stage, stage))
        scores[i] = math.nan if score is None else score
        confs[i] = math.nan if conf is None else conf
        starts[i], ends[i] = start, end
        stored.append(pp_id)
    n = len(ids)
    matrix = matrix[:n] if matrix is not None else np.empty((0, 0), dtype=np.float32)
    units = StackedUnits(
        matrix, ids, fids, texts, langs, sents, scores[:n], stages, confs[:n], starts[:n], ends[:n]
    )
    return _ScopeUnits(units, stored, no_vector)


_UNITS = OpinionUnit.__table__  # type: ignore[attr-defined]
_ASSIGN = update(_UNITS).where(_UNITS.c.id == bindparam("uid")).values(pain_point_id=bindparam("pp"))


def _write_assignments(
    session: Session,
    unit_ids: Sequence[str],
    assigned: Sequence[str | None],
    changed: Sequence[int],
    cleared: Sequence[str],
    chunk: int = 5000,
) -> None:
    """Bulk UPDATE by primary key (a Core executemany: the ORM's bulk UPDATE collected and compiled
    parameters per row, about a third of the write at 1.1M rows), only for units whose pain point changed
    (positions ``changed``) and the vector-less units that lose theirs (``cleared``): parameter rows are
    built one chunk at a time, not one dict per unit for the whole workspace at once."""
    for i in range(0, len(changed), chunk):
        rows = [{"uid": unit_ids[k], "pp": assigned[k]} for k in changed[i : i + chunk]]
        session.execute(_ASSIGN, rows)
    for i in range(0, len(cleared), chunk):
        session.execute(_ASSIGN, [{"uid": uid, "pp": None} for uid in cleared[i : i + chunk]])


def recluster(
    session: Session, workspace_id: str, scope: AnalysisScope, backend: AnalysisBackend
) -> ReclusterResult:
    """Cluster every unit in scope and write pain points with stable ids, in one transaction."""
    with phase("select_units"):
        selected = _scope_units(session, workspace_id, scope, backend.model_id)
    units, matrix = selected.units, selected.matrix
    result = ReclusterResult(units=len(units) + len(selected.no_vector))
    with phase("cluster", units=len(units)):
        clusters = backend.cluster(units) if units else []
    language = name_language(session.get(Workspace, workspace_id), units.languages)

    all_pps = session.exec(select(PainPoint).where(PainPoint.workspace_id == workspace_id)).all()
    pp_by_id = {p.id: p for p in all_pps}
    members_now: dict[str, set[tuple[str, int, int]]] = {}
    for i, pp_id in enumerate(selected.stored):
        if pp_id:
            members_now.setdefault(pp_id, set()).add(units.key(i))
    for _uid, pp_id in selected.no_vector:
        if pp_id:
            members_now.setdefault(pp_id, set())
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
            # Member keys only matter against previous members (none on a first analysis: no 1.3M tuples).
            [frozenset(units.key(m) for m in clusters[i].members) if previous else frozenset() for i in idx],
            make_id=lambda _n: NEW,
        )
        for local, old_id in enumerate(matching.ids):
            if old_id != NEW:
                targets[idx[local]] = _resolve(pp_by_id, old_id)
        for surviving, olds in matching.merged.items():
            algorithmic_merges.setdefault(_resolve(pp_by_id, surviving), []).extend(olds)
    del members_now

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

    # Assignments in scope start empty; cluster members go to their pain point.
    assigned: list[str | None] = [None] * len(units)
    for pp_id, members in members_of.items():
        for m in members:
            assigned[m] = pp_id
        _describe(pp_by_id[pp_id], cluster_of_pp[pp_id], members, units, backend.model_id, now, language)
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
        todo = [
            i for i, sent in enumerate(units.sentiments) if assigned[i] is None and _unit_kind(sent) == kind
        ]
        if not todo or not cents:
            continue
        for i, pid in zip(todo, _nearest(matrix[todo], cents), strict=True):
            assigned[i] = pid
    changed = [i for i, (old, new) in enumerate(zip(selected.stored, assigned, strict=True)) if old != new]
    cleared = [uid for uid, old in selected.no_vector if old is not None]
    with phase("write_assignments", changes=len(changed) + len(cleared)):
        session.flush()
        _write_assignments(session, units.unit_ids, assigned, changed, cleared)
    result.assigned = sum(1 for pid in assigned if pid)

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
    # Parent themes over the pain points written above (stable ids; none when the backend does not group).
    drafts: dict[tuple[str, int], ThemeDraft] = {}
    for pp_id, cluster in cluster_of_pp.items():
        if cluster.theme is not None:
            draft = drafts.setdefault((cluster.kind, cluster.theme), ThemeDraft(cluster.kind))
            draft.add(pp_id, cluster.centroid, len(members_of[pp_id]), cluster.theme_names)
    with phase("themes_commit"):
        if drafts:
            session.flush()
            sync_themes(session, workspace_id, list(drafts.values()), backend.model_id, language, now)
        session.commit()
    return result


def _describe(
    pp: PainPoint,
    cluster: ClusterOut,
    members: Sequence[int],
    units: StackedUnits,
    model_id: str,
    now: datetime,
    language: str | None = None,
) -> None:
    """``members``: positions in ``units`` (its columns are read, no unit object is built)."""
    member_languages = [units.languages[m] for m in members]
    if not pp.label_edited:
        pp.label = cluster.label[:300]
    pp.names = {lang: name[:300] for lang, name in cluster.names.items()} or None
    # a person's name (the edited label) wins; otherwise the workspace's language when the cluster has it
    generated = pick_name(cluster.names, member_languages, language) or cluster.name
    pp.name = pp.label if pp.label_edited else (generated[:300] or None)
    if not pp.stage_edited:
        stage, conf, runner_up = cluster.stage, cluster.stage_confidence, cluster.stage_runner_up
        if stage is None:
            votes = Counter(st for m in members if (st := units.stages[m]))
            ranked = votes.most_common(2)
            if ranked:
                stage = ranked[0][0]
                conf = ranked[0][1] / len(members)
                runner_up = ranked[1][0] if len(ranked) > 1 else None
        pp.stage, pp.stage_confidence, pp.stage_runner_up = stage, conf, runner_up
    pp.keyphrases = list(cluster.keyphrases)
    pp.quotes = [
        {"unit_id": units.unit_ids[q], "feedback_id": units.feedback_ids[q], "text": units.texts[q]}
        for q in cluster.quotes[:5]
    ]
    langs = Counter(member_languages)
    pp.language_mix = {k: v / len(members) for k, v in langs.items()} if members else None
    pp.centroid = to_blob(cluster.centroid)
    pp.embedding_model = model_id
    pp.size = len(members)
    pp.updated_at = now


def name_language(workspace: Workspace | None, languages: Sequence[str]) -> str | None:
    """The language names are shown in: the workspace's setting, else the majority language of its data."""
    return workspace_language(workspace) or majority_language(languages)


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
