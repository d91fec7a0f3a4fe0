"""GDPR right to erasure: delete a feedback item and everything derived from it.

Opinion units go with the item (``ON DELETE CASCADE``). Pain points are shared aggregates, so they are not
deleted but scrubbed: quotes citing the item are removed and ``size`` is recounted from the units still
assigned. Other areas that derive data from items register ``service.feedback.hooks.on_feedback_deleted``.
"""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from service.feedback import hooks
from service.models import FeedbackItem, OpinionUnit, PainPoint
from service.models.types import utcnow


def erase_feedback(session: Session, workspace_id: str, feedback_id: str) -> bool:
    """Erase one item of ``workspace_id``; False when no such item exists there. Commits."""
    item = session.exec(
        select(FeedbackItem).where(FeedbackItem.id == feedback_id, FeedbackItem.workspace_id == workspace_id)
    ).first()
    if item is None:
        return False
    touched = {
        pid
        for pid in session.exec(
            select(OpinionUnit.pain_point_id).where(
                OpinionUnit.feedback_id == item.id, col(OpinionUnit.pain_point_id).is_not(None)
            )
        ).all()
        if pid is not None
    }
    # Quotes may cite the item even where none of its units is assigned any more: scan the workspace's points.
    points = session.exec(select(PainPoint).where(PainPoint.workspace_id == workspace_id)).all()
    for point in points:
        quotes = point.quotes or []
        kept = [q for q in quotes if q.get("feedback_id") != item.id]
        if len(kept) != len(quotes):
            point.quotes = kept
            touched.add(point.id)
    session.execute(delete(OpinionUnit).where(col(OpinionUnit.feedback_id) == item.id))
    session.execute(delete(FeedbackItem).where(col(FeedbackItem.id) == item.id))
    session.flush()
    now = utcnow()
    for point in points:
        if point.id in touched:
            point.size = session.exec(
                select(func.count()).select_from(OpinionUnit).where(OpinionUnit.pain_point_id == point.id)
            ).one()
            point.updated_at = now
            session.add(point)
    session.commit()
    hooks.feedback_deleted(session, workspace_id, [feedback_id])
    return True
