"""Registering and removing webhooks: the one place the outbound rule is applied at creation.

The API routes and the web app's Settings page both call these, so a receiver refused by one is refused by
the other with the same field and rule.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from sqlmodel import Session, select

from service.api.errors import field_error
from service.models import Webhook
from service.netguard import NonPublicAddressError, check_url, policy_for
from service.settings import Settings


def register_webhook(
    session: Session, workspace_id: str, url: str, events: Iterable[str], settings: Settings
) -> Webhook:
    """Check the receiver (global unicast unless allow-listed), store it with a fresh secret, commit."""
    try:
        policy = policy_for(settings.webhook_allow_private_urls, settings.outbound_allow_hosts)
        check_url(url, policy)
    except NonPublicAddressError as exc:
        raise field_error(
            422,
            "url",
            "public_address",
            f"{exc}; list the host in FRICTIONMAP_OUTBOUND_ALLOW_HOSTS to allow an internal receiver",
        ) from None
    hook = Webhook(
        workspace_id=workspace_id,
        url=url,
        events=sorted(set(events)),
        secret="whsec_" + secrets.token_urlsafe(32),
    )
    session.add(hook)
    session.commit()
    return hook


def get_webhook(session: Session, workspace_id: str, webhook_id: str) -> Webhook:
    hook = session.exec(
        select(Webhook).where(Webhook.id == webhook_id, Webhook.workspace_id == workspace_id)
    ).first()
    if hook is None:
        raise field_error(404, "webhook_id", "not_found", "no such webhook in this workspace")
    return hook


def delete_webhook(session: Session, workspace_id: str, webhook_id: str) -> None:
    session.delete(get_webhook(session, workspace_id, webhook_id))
    session.commit()
