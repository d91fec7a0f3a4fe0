"""Webhook events: recorded in the delivery log first, then sent, signed, by a retried queue task.

Signature (same idea as Stripe's): header ``X-Frictionmap-Signature: t=<unix seconds>,v1=<hex>`` where
``hex = HMAC-SHA256(secret, f"{t}.{raw body}")``. Receivers recompute it with their secret, compare in
constant time and reject timestamps older than a few minutes (replay protection); ``verify_signature``
does exactly that and doubles as the reference implementation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

import httpx
from sqlmodel import Session, select

from service.models.types import utcnow
from service.models.webhooks import Webhook, WebhookDelivery
from service.netguard import OutboundPolicy, guarded_client, policy_for

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Frictionmap-Signature"
EVENT_HEADER = "X-Frictionmap-Event"
DELIVERY_HEADER = "X-Frictionmap-Delivery"
TIMEOUT_S = 10.0
MAX_ATTEMPTS = 6  # first try + 5 retries: 2, 4, 8, 16, 32 s apart


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify_signature(
    secret: str, body: bytes, header: str, tolerance_s: int = 300, now: float | None = None
) -> bool:
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        t = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - t) > tolerance_s:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given)


def record_event(session: Session, workspace_id: str, event: str, data: dict[str, Any]) -> list[str]:
    """One pending delivery per active subscription to ``event``; the caller commits, then enqueues."""
    hooks = session.exec(
        select(Webhook).where(Webhook.workspace_id == workspace_id, Webhook.active == True)  # noqa: E712
    ).all()
    ids = []
    for hook in hooks:
        if event not in hook.events:
            continue
        delivery = WebhookDelivery(workspace_id=workspace_id, webhook_id=hook.id, event=event, payload={})
        delivery.payload = {
            "id": delivery.id,
            "event": event,
            "created_at": utcnow().isoformat(),
            "workspace_id": workspace_id,
            "data": data,
        }
        session.add(delivery)
        ids.append(delivery.id)
    return ids


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class DeliveryFailed(Exception):
    """Raised so the queue retries with backoff."""


def delivery_policy() -> OutboundPolicy:
    """The task settings' outbound rule for webhooks (the one their creation was checked against)."""
    from service.queue import task_settings

    settings = task_settings()
    return policy_for(settings.webhook_allow_private_urls, settings.outbound_allow_hosts)


def attempt_delivery(
    session: Session, delivery_id: str, final_attempt: bool, policy: OutboundPolicy | None = None
) -> str:
    """POST one delivery; returns its state. Raises ``DeliveryFailed`` on a failure worth retrying.

    The connection goes through ``service.netguard`` on every attempt: a receiver whose name now resolves
    to an internal address is refused (and the attempt fails like an unreachable one), not called.
    """
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.state == "delivered":
        return "delivered" if delivery else "missing"
    hook = session.get(Webhook, delivery.webhook_id)
    if hook is None or not hook.active:
        delivery.state = "failed"
        delivery.last_error = "webhook deleted or disabled"
        session.commit()
        return delivery.state
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Frictionmap-Webhooks/1",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: delivery.id,
        SIGNATURE_HEADER: sign(hook.secret, body),
    }
    delivery.attempts += 1
    delivery.last_attempt_at = utcnow()
    error: str | None = None
    try:
        with guarded_client(policy or delivery_policy(), TIMEOUT_S) as client:
            response = client.post(hook.url, content=body, headers=headers)
        delivery.last_status_code = response.status_code
        if 200 <= response.status_code < 300:
            delivery.state = "delivered"
            delivery.delivered_at = utcnow()
            delivery.last_error = None
        else:
            error = f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    if error:
        delivery.last_error = error
        delivery.state = "failed" if final_attempt else "pending"
    session.commit()
    if error and not final_attempt:
        raise DeliveryFailed(error)
    return delivery.state


def pending_deliveries(session: Session, older_than_s: float = 600) -> Sequence[WebhookDelivery]:
    """Deliveries stuck pending (their task was lost with a killed worker) for the periodic sweep."""
    cutoff = utcnow().timestamp() - older_than_s
    rows = session.exec(select(WebhookDelivery).where(WebhookDelivery.state == "pending")).all()
    return [d for d in rows if (d.last_attempt_at or d.created_at).timestamp() < cutoff]
