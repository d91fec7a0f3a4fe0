"""API shapes of webhook subscriptions and their delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from service.models.webhooks import WEBHOOK_EVENTS


class WebhookIn(BaseModel):
    """A webhook to register: where to send which events."""

    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl = Field(
        description="HTTPS (or HTTP) address that receives the signed POST of each event."
    )
    events: list[Literal["pain_point.created", "pain_point.emerging"]] = Field(
        min_length=1, description=f"Any of {', '.join(WEBHOOK_EVENTS)}"
    )


class WebhookOut(BaseModel):
    """A registered webhook."""

    id: str = Field(description="Webhook id.")
    url: str = Field(description="Address that receives the events.")
    events: list[str] = Field(description="Events it receives.")
    active: bool = Field(description="False once deleted or disabled.")
    created_at: datetime = Field(description="When it was registered (UTC).")


class WebhookCreated(WebhookOut):
    """The registered webhook, with its signing secret (shown only this once)."""

    secret: str = Field(description="HMAC-SHA256 signing secret; shown only once")


class DeliveryOut(BaseModel):
    """One event sent (or being sent) to a webhook."""

    id: str = Field(description="Delivery id (also sent in the `X-Frictionmap-Delivery` header).")
    event: str = Field(description="Event delivered, e.g. `pain_point.emerging`.")
    state: Literal["pending", "delivered", "failed"] = Field(
        description="`pending` (will be retried), `delivered` or `failed` (gave up)."
    )
    attempts: int = Field(description="How many times it was sent.")
    last_status_code: int | None = Field(
        description="HTTP status of the last attempt; null when the receiver did not answer."
    )
    last_error: str | None = Field(description="Why the last attempt failed; null when it succeeded.")
    created_at: datetime = Field(description="When the event happened (UTC).")
    last_attempt_at: datetime | None = Field(description="When it was last sent (UTC).")
    delivered_at: datetime | None = Field(description="When the receiver accepted it (UTC); null until then.")
    payload: dict[str, Any] = Field(description="The JSON body that was sent.")


#: Request examples (French and English) shown in /docs.
WEBHOOK_EXAMPLES: dict[str, dict[str, Any]] = {
    "alertes_irritants_emergents_fr": {
        "summary": "Prévenir l'outil de l'équipe CX quand un irritant émerge",
        "value": {"url": "https://outils.example.fr/frictionmap/alertes", "events": ["pain_point.emerging"]},
    },
    "all_events_en": {
        "summary": "Receive every event (new and emerging pain points)",
        "value": {
            "url": "https://hooks.example.com/frictionmap",
            "events": ["pain_point.created", "pain_point.emerging"],
        },
    },
}
