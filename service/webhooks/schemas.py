"""API shapes of webhook subscriptions and their delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from service.models.webhooks import WEBHOOK_EVENTS


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl
    events: list[Literal["pain_point.created", "pain_point.emerging"]] = Field(
        min_length=1, description=f"Any of {', '.join(WEBHOOK_EVENTS)}"
    )


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    active: bool
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="HMAC-SHA256 signing secret; shown only once")


class DeliveryOut(BaseModel):
    id: str
    event: str
    state: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    payload: dict[str, Any]
