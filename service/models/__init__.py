"""All SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``.

Each area keeps its tables in its own module and adds one import line here, so Alembic autogenerate and the
test fixtures see the whole schema.
"""

from service.models.core import (
    FEEDBACK_KINDS,
    JOB_STATES,
    PAIN_POINT_KINDS,
    PAIN_POINT_STATUSES,
    ApiKey,
    FeedbackItem,
    Job,
    OpinionUnit,
    PainPoint,
    Theme,
    Workspace,
)
from service.models.sources import RUN_STATES, RUN_TRIGGERS, Source, SourceRun
from service.models.webhooks import DELIVERY_STATES, WEBHOOK_EVENTS, Webhook, WebhookDelivery

__all__ = [
    "DELIVERY_STATES",
    "FEEDBACK_KINDS",
    "JOB_STATES",
    "PAIN_POINT_KINDS",
    "PAIN_POINT_STATUSES",
    "RUN_STATES",
    "RUN_TRIGGERS",
    "WEBHOOK_EVENTS",
    "ApiKey",
    "FeedbackItem",
    "Job",
    "OpinionUnit",
    "PainPoint",
    "Source",
    "SourceRun",
    "Theme",
    "Webhook",
    "WebhookDelivery",
    "Workspace",
]
