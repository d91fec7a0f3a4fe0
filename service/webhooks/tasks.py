"""Webhook delivery tasks: one task per delivery, retried with exponential backoff (2, 4, 8, 16, 32 s)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from huey import crontab

from service.db import session_scope
from service.queue import PRIORITY_WEBHOOK, huey, task_settings
from service.webhooks.delivery import MAX_ATTEMPTS, attempt_delivery, pending_deliveries


@huey.task(retries=MAX_ATTEMPTS - 1, retry_delay=2, retry_backoff=2, context=True, priority=PRIORITY_WEBHOOK)
def deliver_webhook(delivery_id: str, task: Any = None) -> str:
    final = task is None or task.retries == 0
    with session_scope(task_settings()) as session:
        return attempt_delivery(session, delivery_id, final_attempt=final)


def enqueue_deliveries(delivery_ids: Iterable[str]) -> None:
    for delivery_id in delivery_ids:
        try:
            deliver_webhook(delivery_id)
        except Exception:  # immediate mode raises the first failure; the row keeps the state and error
            continue


@huey.periodic_task(crontab(minute="*/10"))
def resend_stuck_deliveries() -> int:
    with session_scope(task_settings()) as session:
        ids = [d.id for d in pending_deliveries(session)]
    enqueue_deliveries(ids)
    return len(ids)
