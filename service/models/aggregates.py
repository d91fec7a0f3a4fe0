"""Stored aggregates the read side answers from (``service/analysis/view_tables.py`` builds them).

A read of the pain point list, one pain point or the journey map adds up these sums under its filters
instead of loading every item and unit of the workspace. Rows are grouped by everything a filter can select
on an item — day, channel, source, segment, language — and by a ``key``:

- ``read_item_sum``: feedback items (``kind`` ``all``: the whole corpus; ``pp``: the distinct items
  mentioning pain point ``key``; ``stage``: the distinct items with a unit in stage ``key``), with their
  KPI moments;
- ``read_unit_sum``: opinion units (``kind`` ``pp`` or ``stage``), with the sentiment, severity and effort
  sums the score and the map use; ``kind`` ``sent`` / ``emo`` count a pain point's units per sentiment label /
  emotion (``key`` = ``<pain point id>|<value>``) for its detail page.

``grain`` ``full`` rows keep every dimension; ``day`` rows add them up per day (dimensions ``*``) and
``channel`` rows per day and channel (others ``*``). A view without dimension filters — the usual dashboard —
reads the coarse rows, whose number is bounded by pain points × days (× channels) whatever the item count.

``workspace_data_version`` is bumped by database triggers on every write that changes what these sums see
(items and units inserted, deleted, or updated in a column they read), whoever writes: the API, a worker,
an erasure, a script. ``read_sum_state`` records the version the sums were built at; a read finding an older
one brings them forward first — adds the appended rows ``read_sum_journal`` lists, or rebuilds when
``invalidated_version`` says a write since was not an append — so the sums are never stale, only sometimes
brought forward late.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, Float, Index, Integer, String
from sqlalchemy import text as sa_text
from sqlmodel import Field, SQLModel

from service.models.types import UTCDateTime


class WorkspaceDataVersion(SQLModel, table=True):
    """A counter per workspace, bumped by triggers (no foreign key: a cascade delete may bump it last)."""

    __tablename__ = "workspace_data_version"

    workspace_id: str = Field(primary_key=True, max_length=36)
    version: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    # The version of the last write a delta cannot apply (a delete, a changed value; 0009_read_sum_delta):
    # sums built at or after it may be brought forward by the journal, older ones are rebuilt in full.
    invalidated_version: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default=sa_text("0"))
    )


class ReadSumJournal(SQLModel, table=True):
    """Rows appended since the sums were built, written by triggers in the writer's transaction: ``kind``
    ``item`` / ``unit`` (an inserted item or unit) or ``assign`` (a unit given its first pain point).
    ``claimed`` marks the rows a delta is applying (``service/analysis/view_delta.py``)."""

    __tablename__ = "read_sum_journal"
    __table_args__ = (Index("ix_read_sum_journal_ws_row", "workspace_id", "row_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(sa_type=String(36), nullable=False)
    kind: str = Field(sa_type=String(8), nullable=False)
    row_id: str = Field(sa_type=String(36), nullable=False)
    claimed: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=sa_text("false"))
    )


class ReadSumState(SQLModel, table=True):
    """Which data version the workspace's sums were built from, and when."""

    __tablename__ = "read_sum_state"

    workspace_id: str = Field(primary_key=True, max_length=36)
    built_version: int = Field(default=-1, sa_column=Column(Integer, nullable=False))
    built_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class _SumKey(SQLModel):
    """The grouping columns both sum tables share (a new Column per table: ``sa_type``, not ``sa_column``)."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(sa_type=String(36), nullable=False)
    grain: str = Field(sa_type=String(8), nullable=False)
    kind: str = Field(sa_type=String(8), nullable=False)
    key: str = Field(sa_type=String(100), nullable=False)
    day: date = Field(sa_type=Date, nullable=False)
    channel: str | None = Field(default=None, sa_type=String(100), nullable=True)
    source: str = Field(sa_type=String(100), nullable=False)
    segment: str | None = Field(default=None, sa_type=String(100), nullable=True)
    language: str = Field(sa_type=String(8), nullable=False)


class ReadItemSum(_SumKey, table=True):
    __tablename__ = "read_item_sum"
    # The unique grain key (uq_read_item_sum_grain, an expression index over coalesced channel and segment)
    # is created by 0009_read_sum_delta only: its NULL stand-in is spelled per dialect. It also serves the
    # look-ups by (workspace, grain, kind, key): 0014 dropped the index of just those columns.
    __table_args__ = (
        # a view filtered by channel reads that channel's rows only, grouped by key (0012, 0015)
        Index(
            "ix_read_item_sum_ws_grain_kind_channel", "workspace_id", "grain", "kind", "channel", "key", "day"
        ),
    )

    n_items: int = Field(sa_column=Column(Integer, nullable=False))
    rating_n: int = Field(sa_column=Column(Integer, nullable=False))
    rating_sum: float = Field(sa_column=Column(Float, nullable=False))
    rating_sq: float = Field(sa_column=Column(Float, nullable=False))
    nps_n: int = Field(sa_column=Column(Integer, nullable=False))
    nps_sum: float = Field(sa_column=Column(Float, nullable=False))
    nps_sq: float = Field(sa_column=Column(Float, nullable=False))
    nps_promoters: int = Field(sa_column=Column(Integer, nullable=False))
    nps_detractors: int = Field(sa_column=Column(Integer, nullable=False))
    csat_n: int = Field(sa_column=Column(Integer, nullable=False))
    csat_sum: float = Field(sa_column=Column(Float, nullable=False))
    csat_sq: float = Field(sa_column=Column(Float, nullable=False))


class ReadUnitSum(_SumKey, table=True):
    __tablename__ = "read_unit_sum"
    # The unique grain key (uq_read_unit_sum_grain, an expression index over coalesced channel and segment)
    # is created by 0009_read_sum_delta only: its NULL stand-in is spelled per dialect. It also serves the
    # look-ups by (workspace, grain, kind, key): 0014 dropped the index of just those columns.
    __table_args__ = (
        # a view filtered by channel reads that channel's rows only, grouped by key (0012, 0015)
        Index(
            "ix_read_unit_sum_ws_grain_kind_channel", "workspace_id", "grain", "kind", "channel", "key", "day"
        ),
    )

    n_units: int = Field(sa_column=Column(Integer, nullable=False))
    sentiment_n: int = Field(sa_column=Column(Integer, nullable=False))
    sentiment_sum: float = Field(sa_column=Column(Float, nullable=False))
    negativity_sum: float = Field(sa_column=Column(Float, nullable=False))
    intensity_sum: float = Field(sa_column=Column(Float, nullable=False))
    effort_n: int = Field(sa_column=Column(Integer, nullable=False))
