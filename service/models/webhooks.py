"""Webhook subscriptions and their delivery log (issue 5).

A workspace registers a URL for events (``pain_point.created``, ``pain_point.emerging``). Every event
becomes one ``WebhookDelivery`` row per subscription *before* anything is sent, so a crashed worker loses
no alert: the row stays ``pending`` and the delivery task (retried with exponential backoff) picks it up.
The signing secret is generated server-side and shown once at creation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text
from sqlalchemy import text as sa_text
from sqlmodel import Field, SQLModel

from service.models.types import JSONType, UTCDateTime, new_id, utcnow

WEBHOOK_EVENTS = ("pain_point.created", "pain_point.emerging")
DELIVERY_STATES = ("pending", "delivered", "failed")


class Webhook(SQLModel, table=True):
    __tablename__ = "webhook"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    workspace_id: str = Field(
        sa_column=Column(
            String(36), ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    url: str = Field(sa_column=Column(String(2000), nullable=False))
    events: list[str] = Field(sa_column=Column(JSONType, nullable=False))
    secret: str = Field(sa_column=Column(String(128), nullable=False))
    active: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=sa_text("true"))
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_webhook_created", "webhook_id", "created_at"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    workspace_id: str = Field(
        sa_column=Column(
            String(36), ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    webhook_id: str = Field(
        sa_column=Column(String(36), ForeignKey("webhook.id", ondelete="CASCADE"), nullable=False)
    )
    event: str = Field(sa_column=Column(String(64), nullable=False))
    payload: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    state: str = Field(
        default="pending", sa_column=Column(String(16), nullable=False, server_default="pending")
    )
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default=sa_text("0")))
    last_status_code: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    last_attempt_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
