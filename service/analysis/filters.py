"""The one place feedback items are selected by scope: analysis jobs (``AnalysisScope``) and the read side
(``ViewFilters``) filter the same columns the same way, so a scoped analysis and a filtered view agree."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import select

from service.models import FeedbackItem


def select_items(
    workspace_id: str,
    *,
    source: str | None = None,
    channel: str | None = None,
    segment: str | None = None,
    language: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Any:
    """``SELECT feedback_item`` of one workspace; ``since``/``until`` bound ``created_at`` inclusively."""
    stmt = select(FeedbackItem).where(FeedbackItem.workspace_id == workspace_id)
    for column, value in (
        (FeedbackItem.source, source),
        (FeedbackItem.channel, channel),
        (FeedbackItem.segment, segment),
        (FeedbackItem.language, language),
    ):
        if value:
            stmt = stmt.where(column == value)
    if since:
        stmt = stmt.where(FeedbackItem.created_at >= since)
    if until:
        stmt = stmt.where(FeedbackItem.created_at <= until)
    return stmt
