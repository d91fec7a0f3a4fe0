"""Post-ingest and post-erasure hooks: how later steps learn about new or erased feedback without the ingest
path importing them.

A hook receives the session (same transaction, already committed when the hook runs), the workspace id and the
ids concerned. Typical use — the journey area enqueues incremental tagging for new items::

    from service.feedback import hooks

    @hooks.on_feedback_created
    def enqueue_tagging(session, workspace_id, feedback_ids):
        tag_new_items(workspace_id, feedback_ids)  # a huey task

Register at import time of your module (e.g. in ``service/tasks/<area>.py``, imported by ``service.queue``).
A failing hook is logged and never turns a successful ingest into an error: the data is already stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from sqlmodel import Session

logger = logging.getLogger(__name__)

FeedbackHook = Callable[[Session, str, Sequence[str]], None]

_created: list[FeedbackHook] = []
_deleted: list[FeedbackHook] = []


def on_feedback_created(callback: FeedbackHook) -> FeedbackHook:
    """Register ``callback(session, workspace_id, feedback_ids)`` for newly created items (decorator)."""
    if callback not in _created:
        _created.append(callback)
    return callback


def on_feedback_deleted(callback: FeedbackHook) -> FeedbackHook:
    """Register ``callback(session, workspace_id, feedback_ids)`` for erased items (decorator)."""
    if callback not in _deleted:
        _deleted.append(callback)
    return callback


def remove(callback: FeedbackHook) -> None:
    """Unregister a hook (tests)."""
    for registry in (_created, _deleted):
        if callback in registry:
            registry.remove(callback)


def _run(registry: list[FeedbackHook], session: Session, workspace_id: str, ids: Sequence[str]) -> None:
    if not ids:
        return
    for callback in list(registry):
        try:
            callback(session, workspace_id, ids)
        except Exception:
            logger.exception("feedback hook %r failed for %d item(s)", callback, len(ids))
            session.rollback()


def feedback_created(session: Session, workspace_id: str, feedback_ids: Sequence[str]) -> None:
    _run(_created, session, workspace_id, feedback_ids)


def feedback_deleted(session: Session, workspace_id: str, feedback_ids: Sequence[str]) -> None:
    _run(_deleted, session, workspace_id, feedback_ids)
