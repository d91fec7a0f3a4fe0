"""Core tables: tenants, API keys, feedback, opinion units, pain points and background jobs.

Every row that holds customer data carries ``workspace_id`` (FK, ``ON DELETE CASCADE``) and every query in the
API filters on it: that column *is* the isolation boundary between tenants. Derived rows (opinion units) hang
off their feedback item with ``ON DELETE CASCADE`` so erasing an item (GDPR) erases what was mined from it.

Ids are UUID4 strings (``new_id``), datetimes are aware UTC (``UTCDateTime``). Schema changes go through an
Alembic revision in ``migrations/versions`` — never ``create_all`` outside tests of the migration itself.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import (
    text as sa_text,
)
from sqlmodel import Field, SQLModel

from service.models.types import JSONType, UTCDateTime, new_id, utcnow

FEEDBACK_KINDS = ("review", "ticket", "survey", "other")
PAIN_POINT_KINDS = ("pain", "opportunity")
PAIN_POINT_STATUSES = ("open", "in_progress", "resolved")
JOB_STATES = ("queued", "running", "done", "failed")


def _workspace_fk() -> Column[Any]:
    return Column(String(36), ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True)


class Workspace(SQLModel, table=True):
    """A tenant. API keys, feedback and everything mined from it belong to exactly one workspace."""

    __tablename__ = "workspace"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    name: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    # Journey taxonomy override (stages/touchpoints, validated by nlp.tagging.taxonomy);
    # None = the shipped default.
    taxonomy: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))
    # Free per-workspace knobs, e.g. {"priority_weights": {...}}; owners of each key validate it.
    settings: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))


class ApiKey(SQLModel, table=True):
    """Only a SHA-256 of the key is stored; ``prefix`` lets people tell their keys apart in listings."""

    __tablename__ = "api_key"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    workspace_id: str = Field(sa_column=_workspace_fk())
    prefix: str = Field(sa_column=Column(String(16), nullable=False))
    key_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    revoked: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=sa_text("false"))
    )


class FeedbackItem(SQLModel, table=True):
    """One review, ticket or survey answer, stored redacted.

    ``text`` is the *redacted* text: raw PII never reaches the database. ``created_at`` is when the customer
    wrote it (given by the source, else the time it was received); ``received_at`` is when Frictionmap got it.
    Idempotency: unique (workspace, source, external_id); items without an external id are unique on
    (workspace, content_hash) instead (partial unique index).
    """

    __tablename__ = "feedback_item"
    __table_args__ = (
        UniqueConstraint("workspace_id", "source", "external_id", name="uq_feedback_source_external_id"),
        Index("ix_feedback_workspace_created", "workspace_id", "created_at", "id"),
        Index(
            "uq_feedback_content_hash_without_id",
            "workspace_id",
            "content_hash",
            unique=True,
            sqlite_where=sa_text("external_id IS NULL"),
            postgresql_where=sa_text("external_id IS NULL"),
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    workspace_id: str = Field(sa_column=_workspace_fk())
    source: str = Field(default="api", sa_column=Column(String(100), nullable=False))
    external_id: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    text: str = Field(sa_column=Column(Text, nullable=False))
    language: str = Field(default="other", sa_column=Column(String(8), nullable=False))
    kind: str = Field(default="other", sa_column=Column(String(16), nullable=False))
    rating: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    nps: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    csat: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    channel: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    segment: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    customer_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    received_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    # ``metadata`` is reserved by SQLAlchemy's declarative base: the attribute is ``meta``, the column keeps
    # the API's name.
    meta: dict[str, Any] | None = Field(default=None, sa_column=Column("metadata", JSONType, nullable=True))
    content_hash: str = Field(sa_column=Column(String(64), nullable=False))
    redactions: dict[str, int] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))


class OpinionUnit(SQLModel, table=True):
    """A sentence or clause of a feedback item with its tags; ``text == item.text[start:end]``."""

    __tablename__ = "opinion_unit"
    __table_args__ = (
        Index("ix_unit_workspace_pain_point", "workspace_id", "pain_point_id"),
        # Per pain point, its items and stages from the index alone: themes, mentions (0010_theme_reads).
        Index("ix_unit_workspace_pp_feedback", "workspace_id", "pain_point_id", "feedback_id", "stage"),
        # One unit per span of an item: two workers extracting the same item cannot both write (0002_journey).
        Index("uq_opinion_unit_span", "feedback_id", "start", "end", unique=True),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    workspace_id: str = Field(sa_column=_workspace_fk())
    feedback_id: str = Field(
        sa_column=Column(
            String(36), ForeignKey("feedback_item.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    start: int = Field(sa_column=Column(Integer, nullable=False))
    end: int = Field(sa_column=Column(Integer, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    language: str = Field(default="other", sa_column=Column(String(8), nullable=False))
    sentiment: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    sentiment_score: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    emotion: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    stage: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    stage_confidence: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    effort: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=sa_text("false"))
    )
    effort_type: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    pain_point_id: str | None = Field(
        default=None,
        sa_column=Column(String(36), ForeignKey("pain_point.id", ondelete="SET NULL"), nullable=True),
    )
    embedding: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    embedding_model: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    # The tagger that wrote the tags (nlp/tagging/revision.py; 0016_unit_tagger_revision): units of another,
    # or of none recorded, are re-extracted by the next analysis. NULL without a tagger (provisional tags).
    tagger_revision: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    # The sentiment adaptation's text-only inputs, kept from extraction (0013_unit_text_inputs): the generic
    # head's probabilities on the stored vector (float64 × 3) and the lexical/polarity columns (float32).
    text_sentiment_proba: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    text_features: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class Theme(SQLModel, table=True):
    """A parent theme over pain points (or opportunities) about one subject (``nlp.themes.hierarchy``).

    Written by the analysis job with ids kept across re-analyses (matched on their pain points and
    centroid); its volume, sentiment, stage mix and score are computed on read from its pain points.
    """

    __tablename__ = "theme"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    workspace_id: str = Field(sa_column=_workspace_fk())
    kind: str = Field(default="pain", sa_column=Column(String(16), nullable=False))
    name: str = Field(default="", sa_column=Column(String(300), nullable=False))
    # A person's name for the theme (``PATCH /v1/themes/{id}``): shown as is and kept through re-analysis.
    name_edited: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=sa_text("false"))
    )
    names: dict[str, str] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))
    centroid: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    embedding_model: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class PainPoint(SQLModel, table=True):
    """A recurring irritant (``kind='pain'``) or praise worth amplifying (``kind='opportunity'``).

    ``quotes`` is a list of ``{"unit_id", "feedback_id", "text"}``: erasing a feedback item removes its quotes
    (see ``service.feedback.erasure``). ``*_edited`` flags protect human edits from being overwritten by
    re-analysis.
    """

    __tablename__ = "pain_point"
    __table_args__ = (Index("ix_pain_point_workspace_kind_status", "workspace_id", "kind", "status"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    workspace_id: str = Field(sa_column=_workspace_fk())
    kind: str = Field(default="pain", sa_column=Column(String(16), nullable=False))
    label: str = Field(default="", sa_column=Column(String(300), nullable=False))
    label_edited: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=sa_text("false"))
    )
    # The natural name in the workspace's language at analysis time, and one per language it has units in
    # (nlp.themes.naming); an edited label wins over both (``display_name``).
    name: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    names: dict[str, str] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))
    # Parent theme (service/themes); None until an analysis grouped it, or when grouping is unavailable.
    theme_id: str | None = Field(
        default=None,
        sa_column=Column(String(36), ForeignKey("theme.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    keyphrases: list[str] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))
    quotes: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))
    stage: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    stage_confidence: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    stage_runner_up: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    stage_edited: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=sa_text("false"))
    )
    size: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default=sa_text("0")))
    language_mix: dict[str, float] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))
    centroid: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    embedding_model: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    status: str = Field(default="open", sa_column=Column(String(16), nullable=False, server_default="open"))
    owner: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    due_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    fix_effort: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    merged_into_id: str | None = Field(
        default=None,
        sa_column=Column(String(36), ForeignKey("pain_point.id", ondelete="SET NULL"), nullable=True),
    )
    emerging: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=sa_text("false"))
    )
    score: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class Job(SQLModel, table=True):
    """A unit of background work (analysis, import, ...) whose progress the API reports."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_workspace_created", "workspace_id", "created_at"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    workspace_id: str = Field(sa_column=_workspace_fk())
    kind: str = Field(sa_column=Column(String(64), nullable=False))
    state: str = Field(
        default="queued", sa_column=Column(String(16), nullable=False, server_default="queued")
    )
    progress: float = Field(default=0.0, sa_column=Column(Float, nullable=False, server_default=sa_text("0")))
    params: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default=sa_text("0")))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    started_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
