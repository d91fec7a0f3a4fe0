"""GDPR right to erasure of one stored item (``DELETE /v1/feedback/{id}``).

The work — deleting the item, its opinion units and quotes, recounting pain points, leaving a tombstone so a
re-send is refused — is the erasure domain's (``service.erasures.service``); this keeps the feedback routes'
entry point.
"""

from __future__ import annotations

from sqlmodel import Session

from service.erasures.service import ErasureTarget, erase
from service.settings import Settings, get_settings


def erase_feedback(
    session: Session, workspace_id: str, feedback_id: str, settings: Settings | None = None
) -> bool:
    """Erase one item of ``workspace_id``; False when no such item exists there. Commits."""
    target = ErasureTarget(feedback_id=feedback_id)
    return erase(session, workspace_id, target, settings or get_settings()) is not None
