"""The job's first step: stored items → opinion units (the pipeline's ``extract_units``), per batch.

Restartable: ``extract_pending`` only touches items that have no units for the current embedding model (or
were tagged under a replaced taxonomy) and commits per batch, so a retried or resumed job continues where the
killed one stopped. ``as_record`` is how a stored item enters the pipeline: the CLI's ``Record``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy import delete, exists, insert, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from nlp.pipeline import Record
from nlp.tagging.types import UNKNOWN_STAGE
from service.analysis.backend import AnalysisBackend, compact_blobs
from service.analysis.filters import select_items
from service.api.params import UtcDateTime, check_period
from service.models import FeedbackItem, OpinionUnit
from service.models.types import new_id, utcnow

logger = logging.getLogger(__name__)

ProgressFn = Callable[[float, str], None]


class AnalysisScope(BaseModel):
    """Which feedback an analysis covers; empty means the whole workspace."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(
        default=None, max_length=100, description="Only feedback from this source (e.g. `trustpilot`)."
    )
    channel: str | None = Field(
        default=None,
        max_length=100,
        description="Only feedback from this channel or touchpoint (e.g. `web`).",
    )
    segment: str | None = Field(
        default=None, max_length=100, description="Only feedback from this customer segment."
    )
    language: str | None = Field(
        default=None,
        pattern="^(fr|en|other)$",
        description="Only feedback in this language: `fr`, `en` or `other`.",
    )
    since: UtcDateTime | None = Field(
        default=None,
        description="Only feedback written at or after this time (ISO 8601; a plain date is that day's UTC"
        " midnight).",
    )
    until: UtcDateTime | None = Field(
        default=None,
        description="Only feedback written at or before this time (ISO 8601; a plain date is that day's UTC"
        " midnight).",
    )

    @field_validator("until")
    @classmethod
    def _until_after_since(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        check_period(info.data.get("since"), value)
        return value

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
    among: Sequence[str] | None = None,
    revision: str | None = None,
) -> list[str]:
    """Items in scope without units embedded by ``model_id`` (never analysed, or by another model) and,
    when ``revision`` is given, tagged by that tagger (another tagger's tags, or none recorded: upgraded
    since; nlp/tagging/revision.py), and, when ``stages`` is given, items with a unit tagged with a stage
    outside it (taxonomy replaced since); ``among``: only these items (one extraction batch)."""
    # The same two conditions either way (``feedback_id`` is never NULL, so NOT IN and NOT EXISTS agree):
    # a whole-workspace plan anti-joins one set of done items; a batch of ``among`` items asks, per item, the
    # unit index about its own units instead of collecting every unit of the workspace on each batch.
    stale_stage = col(OpinionUnit.stage).not_in(sorted({*(stages or ()), UNKNOWN_STAGE}))
    current = [col(OpinionUnit.embedding_model) == model_id]
    if revision is not None:
        current.append(col(OpinionUnit.tagger_revision) == revision)
    pending: ColumnElement[bool]
    if among is None:
        done = (
            select(OpinionUnit.feedback_id)
            .where(OpinionUnit.workspace_id == workspace_id, *current)
            .distinct()
        )
        pending = col(FeedbackItem.id).not_in(done)
        if stages is not None:
            stale = (
                select(OpinionUnit.feedback_id)
                .where(
                    OpinionUnit.workspace_id == workspace_id,
                    col(OpinionUnit.stage).is_not(None),
                    stale_stage,
                )
                .distinct()
            )
            pending = or_(pending, col(FeedbackItem.id).in_(stale))
    else:
        own = (col(OpinionUnit.feedback_id) == FeedbackItem.id, col(OpinionUnit.workspace_id) == workspace_id)
        pending = ~exists().where(*own, *current)
        if stages is not None:
            pending = or_(pending, exists().where(*own, col(OpinionUnit.stage).is_not(None), stale_stage))
    stmt = scoped_items(workspace_id, scope).where(pending)
    if among is not None:
        stmt = stmt.where(col(FeedbackItem.id).in_(list(among)))
    stmt = stmt.order_by(FeedbackItem.created_at, FeedbackItem.id)
    return list(session.execute(stmt.with_only_columns(col(FeedbackItem.id))).scalars().all())


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
    return _extract(session, workspace_id, feedback_ids, backend) or 0


def _extract(
    session: Session, workspace_id: str, feedback_ids: Sequence[str], backend: AnalysisBackend
) -> int | None:
    """``extract_items``; None when another task wrote some of these items' units at the same time."""
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
    # Only the four columns it needs: whole ORM rows would also load every old unit's vector blob.
    previous = {
        (f, a, b): pp
        for f, a, b, pp in session.execute(
            select(
                OpinionUnit.feedback_id, OpinionUnit.start, OpinionUnit.end, OpinionUnit.pain_point_id
            ).where(col(OpinionUnit.feedback_id).in_(ids))
        ).all()
    }
    if previous:  # items never extracted (the usual batch) have no units to delete
        session.execute(delete(OpinionUnit).where(col(OpinionUnit.feedback_id).in_(ids)))
    if extracted:
        # One executemany of plain rows, not an ORM object per unit (validation, identity map, unit of work:
        # a third of the batch's non-embedding CPU); ids and the timestamp are what the model's defaults give.
        blobs = compact_blobs(np.vstack([u.embedding for u in extracted]))
        now = utcnow()
        session.execute(
            insert(OpinionUnit.__table__),  # type: ignore[attr-defined]  # Core: no ORM bookkeeping per row
            [
                {
                    "id": new_id(),
                    "workspace_id": workspace_id,
                    "feedback_id": u.feedback_id,
                    "start": u.start,
                    "end": u.end,
                    "text": u.text,
                    "language": u.language,
                    "sentiment": u.tags.sentiment,
                    "sentiment_score": u.tags.sentiment_score,
                    "emotion": u.tags.emotion,
                    "stage": u.tags.stage,
                    "stage_confidence": u.tags.stage_confidence,
                    "effort": u.tags.effort,
                    "effort_type": u.tags.effort_type,
                    "embedding": blob,
                    "embedding_model": backend.model_id,
                    "tagger_revision": backend.tagger_revision,
                    "text_sentiment_proba": _blob(u.text_sentiment_proba, np.float64),
                    "text_features": _blob(u.text_features, np.float32),
                    "pain_point_id": previous.get((u.feedback_id, u.start, u.end)),
                    "created_at": now,
                }
                for u, blob in zip(extracted, blobs, strict=True)
            ],
        )
    try:
        session.commit()
    except IntegrityError:
        # Another worker extracted these items at the same time (unique span index): its units stand.
        session.rollback()
        logger.info("units of %d item(s) were written concurrently by another task", len(ids))
        return None
    return len(extracted)


def _blob(values: np.ndarray | None, dtype: type[np.floating[Any]]) -> bytes | None:
    return None if values is None else np.asarray(values, dtype=dtype).tobytes()


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
    pending = pending_items(session, workspace_id, scope, backend, stages)
    total = len(pending)
    written = 0
    for start in range(0, total, batch_size):
        written += extract_items(session, workspace_id, pending[start : start + batch_size], backend)
        if on_progress:
            on_progress(
                min(start + batch_size, total) / total, f"extracted {min(start + batch_size, total)}/{total}"
            )
    return written


def pending_items(
    session: Session,
    workspace_id: str,
    scope: AnalysisScope,
    backend: AnalysisBackend,
    stages: Collection[str] | None = None,
) -> list[str]:
    """The ids ``extract_pending`` extracts, oldest first: what an analysis splits into batch tasks (items
    without units of ``backend``'s embedding model and tagger revision, or with a stale stage)."""
    return _pending_ids(session, workspace_id, scope, backend.model_id, stages, None, backend.tagger_revision)


def extract_batch(
    session: Session,
    workspace_id: str,
    scope: AnalysisScope,
    feedback_ids: Sequence[str],
    backend: AnalysisBackend,
    stages: Collection[str] | None = None,
    attempts: int = 3,
) -> int:
    """Extract those of ``feedback_ids`` that still need it; returns the units written.

    Idempotent, for batch tasks that a retry, a recovery or a second plan may run twice or at the same
    time: items that got their units meanwhile are skipped, and when another task wrote some of them
    concurrently (the unique span index refuses the whole transaction) the rest is extracted again.
    """
    for _ in range(attempts):
        todo = _pending_ids(
            session, workspace_id, scope, backend.model_id, stages, feedback_ids, backend.tagger_revision
        )
        if not todo:
            return 0
        written = _extract(session, workspace_id, todo, backend)
        if written is not None:
            return written
    raise RuntimeError(f"units of {len(feedback_ids)} item(s) kept conflicting with concurrent writers")
