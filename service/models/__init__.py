"""All SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``.

Each area keeps its tables in its own module and adds one import line here, so Alembic autogenerate and the
test fixtures see the whole schema.
"""

from service.models.aggregates import (
    ReadItemSum,
    ReadSumJournal,
    ReadSumState,
    ReadUnitSum,
    WorkspaceDataVersion,
)
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
from service.models.erasures import ERASURE_SCOPES, TOMBSTONE_KINDS, Erasure, ErasureTombstone
from service.models.migration_only import MIGRATION_ONLY, READ_SUM_GRAIN_INDEXES, compared_by_alembic
from service.models.sources import RUN_STATES, RUN_TRIGGERS, Source, SourceRun
from service.models.users import USER_ROLES, User
from service.models.webhooks import DELIVERY_STATES, WEBHOOK_EVENTS, Webhook, WebhookDelivery

__all__ = [
    "DELIVERY_STATES",
    "ERASURE_SCOPES",
    "FEEDBACK_KINDS",
    "JOB_STATES",
    "MIGRATION_ONLY",
    "PAIN_POINT_KINDS",
    "PAIN_POINT_STATUSES",
    "READ_SUM_GRAIN_INDEXES",
    "RUN_STATES",
    "RUN_TRIGGERS",
    "TOMBSTONE_KINDS",
    "USER_ROLES",
    "WEBHOOK_EVENTS",
    "ApiKey",
    "Erasure",
    "ErasureTombstone",
    "FeedbackItem",
    "Job",
    "OpinionUnit",
    "PainPoint",
    "ReadItemSum",
    "ReadSumJournal",
    "ReadSumState",
    "ReadUnitSum",
    "Source",
    "SourceRun",
    "Theme",
    "User",
    "Webhook",
    "WebhookDelivery",
    "Workspace",
    "WorkspaceDataVersion",
    "compared_by_alembic",
]
