"""Newest-first keyset pagination shared by every list endpoint that pages on ``(created_at, id)``.

A keyset cursor (the last row's creation time and id) stays correct while rows are inserted between two
page reads, which an offset would not; the id breaks ties between rows written in the same instant.
The cursor is opaque to clients: base64 of a JSON pair.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Query
from sqlmodel import Session, col, or_
from sqlmodel.sql.expression import SelectOfScalar

from service.api.errors import field_error


class _Keyed(Protocol):
    created_at: datetime
    id: str


RowT = TypeVar("RowT", bound=_Keyed)

# Query parameters of every cursor-paged list (each endpoint picks its own default page size).
PageLimit = Annotated[int, Query(ge=1, le=500, description="Page size, 1 to 500.")]
PageCursor = Annotated[str | None, Query(max_length=500, description="`next_cursor` of the previous page.")]


def encode_cursor(created_at: datetime, item_id: str) -> str:
    raw = json.dumps([created_at.isoformat(), item_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The ``(created_at, id)`` a cursor points after; 422 on ``cursor`` for anything this API did not
    issue."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, item_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        when = datetime.fromisoformat(created)
        if when.tzinfo is None or not isinstance(item_id, str):
            raise ValueError("bad cursor")
        return when, item_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise field_error(422, "cursor", "cursor", "not a cursor returned by this API") from exc


def newest_first_page(
    session: Session,
    query: SelectOfScalar[RowT],
    model: Any,
    *,
    cursor: str | None,
    limit: int,
) -> tuple[list[RowT], str | None]:
    """One page of ``query`` (already filtered) newest first, and the next page's cursor (None at the end).

    ``model`` is the table class whose ``created_at`` and ``id`` columns order and bound the page.
    """
    created, row_id = col(model.created_at), col(model.id)
    if cursor:
        when, last_id = decode_cursor(cursor)
        query = query.where(or_(created < when, (created == when) & (row_id < last_id)))
    rows = list(session.exec(query.order_by(created.desc(), row_id.desc()).limit(limit + 1)).all())
    page = rows[:limit]
    more = len(rows) > limit
    next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if more and page else None
    return page, next_cursor
