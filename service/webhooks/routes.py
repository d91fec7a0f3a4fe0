"""Webhook subscriptions (``pain_point.created``, ``pain_point.emerging``) and their delivery log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from sqlmodel import col, select

from service.api.deps import CurrentWorkspace, SessionDep, SettingsDep
from service.api.docs import request_examples
from service.models.webhooks import Webhook, WebhookDelivery
from service.webhooks import service
from service.webhooks.schemas import WEBHOOK_EXAMPLES, DeliveryOut, WebhookCreated, WebhookIn, WebhookOut

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
WebhookId = Annotated[str, Path(description="Webhook id", max_length=36)]
TAGS = [
    {
        "name": "webhooks",
        "description": "Alerts signed with HMAC-SHA256 (`X-Frictionmap-Signature: t=<unix>,v1=<hex of "
        "HMAC(secret, t + '.' + body)>`), retried with exponential backoff, logged.",
    }
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookCreated,
    summary="Register a webhook that receives signed pain-point alerts",
    openapi_extra=request_examples(WEBHOOK_EXAMPLES),
)
def create_webhook(
    body: WebhookIn, workspace: CurrentWorkspace, session: SessionDep, settings: SettingsDep
) -> WebhookCreated:
    hook = service.register_webhook(session, workspace.id, str(body.url), body.events, settings)
    return WebhookCreated.model_validate(hook, from_attributes=True)


@router.get("", response_model=list[WebhookOut], summary="List the workspace's webhooks")
def list_webhooks(workspace: CurrentWorkspace, session: SessionDep) -> list[WebhookOut]:
    hooks = session.exec(
        select(Webhook).where(Webhook.workspace_id == workspace.id).order_by(col(Webhook.created_at))
    ).all()
    return [WebhookOut.model_validate(h, from_attributes=True) for h in hooks]


@router.delete(
    "/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a webhook: no more alerts"
)
def delete_webhook(webhook_id: WebhookId, workspace: CurrentWorkspace, session: SessionDep) -> Response:
    service.delete_webhook(session, workspace.id, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=list[DeliveryOut],
    summary="List the alerts sent to a webhook, with their delivery state",
)
def list_deliveries(
    webhook_id: WebhookId,
    workspace: CurrentWorkspace,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Most recent deliveries to return")] = 100,
) -> list[DeliveryOut]:
    """Most recent first: state, attempts, last HTTP status and error of every alert sent to this URL."""
    service.get_webhook(session, workspace.id, webhook_id)
    rows = session.exec(
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id, WebhookDelivery.workspace_id == workspace.id)
        .order_by(col(WebhookDelivery.created_at).desc())
        .limit(limit)
    ).all()
    return [DeliveryOut.model_validate(d, from_attributes=True) for d in rows]
