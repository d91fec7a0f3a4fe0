"""Queue tasks of the analysis area: full analysis jobs, incremental assignment, stale-job recovery.

Retries: a failed analysis is retried (``retries=2`` with exponential backoff); its steps are idempotent
(extraction skips items already done, re-clustering is one transaction), so a retry resumes rather than
redoes. A worker killed mid-task loses the queue message, not the job: ``recover_analysis`` — at consumer
start-up and every 5 minutes — re-enqueues analyses whose heartbeat is older than ``analysis_stale_after_s``,
and they resume from what was committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from huey import crontab
from sqlmodel import Session

from service.analysis.backend_factory import get_backend
from service.analysis.jobs import (
    ANALYSIS_KIND,
    create_job,
    execute_job,
    refresh_scores,
    stale_jobs,
    workspaces_due,
)
from service.analysis.runner import assign_items
from service.db import session_scope
from service.feedback import hooks
from service.models import Workspace
from service.models.types import utcnow
from service.queue import huey, task_settings
from service.settings import Settings
from service.webhooks.tasks import enqueue_deliveries
from service.workspaces.taxonomy import workspace_taxonomy

logger = logging.getLogger(__name__)


@huey.task(retries=2, retry_delay=30, retry_backoff=2, context=True)
def run_analysis(job_id: str, task: Any = None) -> None:
    settings = task_settings()
    final = task is None or task.retries == 0
    with session_scope(settings) as session:
        deliveries = execute_job(session, job_id, settings, final_attempt=final)
    enqueue_deliveries(deliveries)


@huey.task(retries=3, retry_delay=10, retry_backoff=2)
def assign_new_feedback(workspace_id: str, feedback_ids: list[str]) -> int:
    """Incremental path: new items are tagged and attached to existing pain points as they arrive."""
    settings = task_settings()
    with session_scope(settings) as session:
        workspace = session.get(Workspace, workspace_id)
        if workspace is None:  # deleted since the items arrived
            return 0
        backend = get_backend(settings, workspace_taxonomy(workspace))
        assigned = assign_items(session, workspace_id, feedback_ids, backend)
        deliveries = refresh_scores(session, workspace) if assigned else []
    enqueue_deliveries(deliveries)
    return assigned


@hooks.on_feedback_created
def _on_feedback_created(session: Session, workspace_id: str, feedback_ids: Sequence[str]) -> None:
    assign_new_feedback(workspace_id, list(feedback_ids))


def _reanalysis_schedule() -> Callable[[datetime], bool]:
    """``reanalysis_cron`` as a huey schedule; empty or malformed means never (and says so in the log)."""
    fields = task_settings().reanalysis_cron.split()
    if not fields:
        return lambda _dt: False
    if len(fields) != 5:
        logger.error(
            "reanalysis_cron must have 5 fields (minute hour day month weekday): scheduling disabled"
        )
        return lambda _dt: False
    schedule: Callable[[datetime], bool] = crontab(*fields)
    return schedule


@huey.periodic_task(_reanalysis_schedule())
def scheduled_reanalysis() -> list[str]:
    """Full re-clustering (stable ids) of every workspace that received feedback since its last analysis."""
    with session_scope(task_settings()) as session:
        job_ids = []
        for workspace_id in workspaces_due(session):
            job = create_job(session, workspace_id, ANALYSIS_KIND, {"scope": {}, "trigger": "schedule"})
            job_ids.append(job.id)
    for job_id in job_ids:
        run_analysis(job_id)
    return job_ids


def recover_analysis(settings: Settings) -> list[str]:
    """Re-enqueue analysis jobs orphaned by a dead worker; returns their ids.

    The heartbeat is refreshed before the job is enqueued, so a second recovery inside the stale window
    (another consumer thread's start-up hook, the periodic task) does not enqueue it twice.
    """
    with session_scope(settings) as session:
        jobs = stale_jobs(session, settings.analysis_stale_after_s)
        for job in jobs:
            logger.warning(
                "analysis job %s looks orphaned (%s, last heartbeat %s): re-queued",
                job.id,
                job.state,
                (job.result or {}).get("heartbeat"),
            )
            job.result = {**(job.result or {}), "heartbeat": utcnow().isoformat(), "requeued": True}
            session.add(job)
        session.commit()
        ids = [j.id for j in jobs]
    for job_id in ids:
        run_analysis(job_id)
    return ids


@huey.periodic_task(crontab(minute="*/5"))
def recover_stale_jobs() -> int:
    return len(recover_analysis(task_settings()))


@huey.on_startup()
def _recover_analysis_on_startup() -> None:
    """A restarted worker resumes the analysis its predecessor was killed in the middle of."""
    try:
        recover_analysis(task_settings())
    except Exception:  # the database may not be migrated yet; the periodic task will retry
        logger.exception("analysis recovery at start-up failed")
