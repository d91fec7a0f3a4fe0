"""Date and period parameters shared by every endpoint: one impossible date answers one 422 everywhere.

``QueryDate`` is a calendar day written ``YYYY-MM-DD`` (``2024-02-30`` and ``2024-2-3`` are refused with rule
``date``); ``UtcDateTime`` takes an ISO 8601 time *or* a plain date and always yields an aware UTC datetime
(a plain date is that day's UTC midnight; a time without offset is read as UTC), because a naive value
compared with the stored aware timestamps fails later, inside a background job, instead of at the door.
``check_period`` is the one ``until`` ≥ ``since`` rule (rule ``after_since``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(value: Any) -> date:
    """``YYYY-MM-DD`` that exists in the calendar; a ``date`` passes through."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date", "must be an existing calendar date written YYYY-MM-DD")


def parse_utc_datetime(value: Any) -> datetime:
    """An ISO 8601 date-time or a plain date, as an aware UTC datetime."""
    if isinstance(value, str) and _DAY.fullmatch(value):
        return datetime.combine(parse_day(value), time.min, UTC)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time.min, UTC)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        raise PydanticCustomError(
            "datetime", "must be an ISO 8601 date-time (2024-03-01T08:00:00Z) or a date (2024-03-01)"
        )
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+14:00 has no UTC equivalent
        raise PydanticCustomError("datetime", "is outside the representable range of dates") from None


QueryDate = Annotated[date, BeforeValidator(parse_day)]
UtcDateTime = Annotated[datetime, BeforeValidator(parse_utc_datetime)]


def check_period(since: Any, until: Any) -> None:
    """Raise rule ``after_since`` when both bounds are set and ``until`` comes first (equal is a one-day or
    one-instant period, allowed)."""
    if since is not None and until is not None and until < since:
        raise PydanticCustomError("after_since", "must not be earlier than `since`")
