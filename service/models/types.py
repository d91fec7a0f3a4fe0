"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has no time-zone-aware timestamp: values come back naive. ``UTCDateTime`` stores UTC and always hands
back an aware UTC ``datetime``, so comparisons and JSON output never mix naive and aware values.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

#: JSON everywhere, JSONB on PostgreSQL (indexable, compact). Python None is SQL NULL, not JSON null.
JSONType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Frictionmap stores time-zone-aware UTC datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    """Primary keys are UUID4 strings: safe to expose in URLs and unguessable across workspaces."""
    return str(uuid.uuid4())
