"""Import sources and their runs (issue 6).

A ``Source`` is a registered export (type, location, mapping, cron schedule). Each execution is a
``SourceRun`` that snapshots the source's configuration when it is queued — editing a source never changes
a run in flight — and carries the counts, the first rejected rows with their reasons, and the checkpoint
that is committed in the same transaction as the items it covers. One-off uploads are runs without a
source, tied to a ``Job`` so they report through the same job API as other background work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import text as sa_text
from sqlmodel import Field, SQLModel

from service.models.types import JSONType, UTCDateTime, new_id, utcnow

RUN_STATES = ("queued", "running", "done", "failed")
RUN_TRIGGERS = ("manual", "schedule", "upload")


def _workspace_fk() -> Column[Any]:
    return Column(String(36), ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True)


def _count_column() -> Column[Any]:
    return Column(Integer, nullable=False, server_default=sa_text("0"))


_RUN_VERSION: Column[Any] = Column("version", Integer, nullable=False, server_default=sa_text("1"))


class Source(SQLModel, table=True):
    __tablename__ = "source"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name", name="uq_source_workspace_name"),
        Index("ix_source_due", "enabled", "next_run_at"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    workspace_id: str = Field(sa_column=_workspace_fk())
    name: str = Field(sa_column=Column(String(200), nullable=False))
    type: str = Field(sa_column=Column(String(50), nullable=False))
    location: str = Field(sa_column=Column(Text, nullable=False))
    mapping: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    schedule: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    enabled: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=sa_text("true"))
    )
    # Value of ``feedback_item.source``: with the platform's review id it is the idempotency key.
    feedback_source: str = Field(sa_column=Column(String(100), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    last_run_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    next_run_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class SourceRun(SQLModel, table=True):
    """One execution. ``version`` is an optimistic lock: if two workers ever executed the same run (a
    worker presumed dead that was only slow), the second chunk commit fails and its items roll back with
    it, so counts and items can never be applied twice."""

    __tablename__ = "source_run"
    __table_args__ = (
        Index("ix_source_run_source_created", "source_id", "created_at"),
        Index("ix_source_run_state", "state"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    workspace_id: str = Field(sa_column=_workspace_fk())
    source_id: str | None = Field(
        default=None,
        sa_column=Column(String(36), ForeignKey("source.id", ondelete="CASCADE"), nullable=True),
    )
    job_id: str | None = Field(
        default=None,
        sa_column=Column(String(36), ForeignKey("job.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    trigger: str = Field(default="manual", sa_column=Column(String(16), nullable=False))
    type: str = Field(sa_column=Column(String(50), nullable=False))
    location: str = Field(sa_column=Column(Text, nullable=False))
    mapping: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    feedback_source: str = Field(sa_column=Column(String(100), nullable=False))
    state: str = Field(
        default="queued", sa_column=Column(String(16), nullable=False, server_default="queued")
    )
    read: int = Field(default=0, sa_column=_count_column())
    created: int = Field(default=0, sa_column=_count_column())
    duplicate: int = Field(default=0, sa_column=_count_column())
    rejected: int = Field(default=0, sa_column=_count_column())
    rejected_rows: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    checkpoint: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    started_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    heartbeat_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    version: int = Field(default=1, sa_column=_RUN_VERSION)

    __mapper_args__ = {"version_id_col": _RUN_VERSION}
