"""Queue tasks of the analysis area: full analysis jobs, incremental assignment, stale-job recovery.

Retries: a failed analysis is retried (``retries=2`` with exponential backoff); its steps are idempotent
(extraction skips items already done, re-clustering is one transaction), so a retry resumes rather than
redoes. A worker killed mid-task loses the queue message, not the job: while it runs, the task beats every
``job_heartbeat_s`` (``service.queue.heartbeat``); ``recover_analysis`` — registered with
``service.queue.on_recovery``, so at start-up and every 20 s — re-enqueues running analyses that have not
beaten for ``analysis_stale_after_s``, and they resume from what was committed. A lock per job keeps a
re-enqueued job from running twice at once.

Fan-out (issue 14): ``run_analysis`` plans the job's extraction as batches of ``analysis_batch_items`` items
(``extract_analysis_batch``), which every worker thread of every worker process — on any machine sharing the
database and the Redis queue — takes; the batch that completes the plan enqueues ``finish_analysis``
(re-cluster, score, alerts). Batches are idempotent (items already extracted are skipped; the unique span
index refuses doubles) and counted once each on the job (``jobs._record_batch``). A recovered job is planned
again over what is still pending, and the batches of the old plan left in the queue do nothing: which of
them died with the worker cannot be told from those still waiting. The price: a job whose batches wait
longer than ``analysis_stale_after_s`` behind other work, with none of them running, is planned again.

Fairness: post-ingest assignment is one task per ingest batch at the lowest priority, and the scores it
changes are refreshed by ``refresh_workspace_scores`` at most once per ``scores_refresh_delay_s`` per
workspace, so a burst of ingest requests never puts minutes of work ahead of analyses, imports or webhooks.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from huey import crontab
from huey.exceptions import TaskLockedException
from sqlmodel import Session

from service.analysis.backend_factory import get_backend
from service.analysis.jobs import (
    ANALYSIS_KIND,
    FANOUT,
    create_job,
    execute_job,
    finish_job,
    plan_job,
    refresh_scores,
    run_batch,
    stale_jobs,
    workspaces_due,
)
from service.analysis.runner import assign_items
from service.db import session_scope
from service.feedback import hooks
from service.models import Workspace
from service.models.types import utcnow
from service.queue import (
    PRIORITY_JOB,
    PRIORITY_POST_INGEST,
    PRIORITY_RECOVERY,
    beating,
    enqueue_all,
    heartbeat,
    huey,
    lost_after,
    on_recovery,
    task_settings,
)
from service.settings import Settings
from service.webhooks.tasks import enqueue_deliveries
from service.workspaces.taxonomy import workspace_taxonomy

logger = logging.getLogger(__name__)


def _job_lock(job_id: str) -> str:
    return f"analysis-{job_id}"


def _final(task: Any) -> bool:
    return task is None or task.retries == 0


def worker_name() -> str:
    """Which process ran a batch (host and pid), as counted in the job's ``fanout.workers``."""
    return f"{socket.gethostname()}:{os.getpid()}"


@huey.task(retries=2, retry_delay=30, retry_backoff=2, context=True, priority=PRIORITY_JOB)
def run_analysis(job_id: str, task: Any = None) -> None:
    """Start (or resume) an analysis: plan its extraction batches and enqueue them for every worker, or,
    with ``analysis_batch_items = 0``, run the whole job here."""
    settings = task_settings()
    try:
        with (
            huey.lock_task(_job_lock(job_id)),
            # not cleared: the beat must stay fresh until the first batch beats in its turn
            heartbeat(_job_lock(job_id), settings.job_heartbeat_s, clear=settings.analysis_batch_items == 0),
            session_scope(settings) as session,
        ):
            if not settings.analysis_batch_items:
                deliveries = execute_job(session, job_id, settings, final_attempt=_final(task))
                plan = None
            else:
                deliveries, plan = [], plan_job(session, job_id, settings, final_attempt=_final(task))
    except TaskLockedException:  # a recovery re-enqueued a job that is alive after all: leave it be
        logger.info("analysis job %s is already running elsewhere", job_id)
        return
    enqueue_deliveries(deliveries)
    if plan is None:
        return
    # Enqueued outside the job's lock: the last batch starts the re-clustering, which takes that lock.
    # Still beating: at 1M items the 15,625 batch messages take a minute to enqueue on a loaded machine,
    # longer than ``analysis_stale_after_s``; without a beat the recovery re-planned the job each time
    # (bench.full_analysis, docs/benchmarks.md "Full analysis at 1M").
    with heartbeat(_job_lock(job_id), settings.job_heartbeat_s, clear=False):
        if not plan.batches:
            finish_analysis(job_id, plan.plan_id)
        enqueue_all(
            [
                extract_analysis_batch.s(job_id, plan.plan_id, index, ids)
                for index, ids in enumerate(plan.batches)
            ]
        )


@huey.task(retries=2, retry_delay=10, retry_backoff=2, context=True, priority=PRIORITY_JOB)
def extract_analysis_batch(
    job_id: str, plan_id: str, index: int, feedback_ids: list[str], task: Any = None
) -> bool:
    """One extraction batch of an analysis, on whichever worker is free; the batch that completes the
    plan enqueues the re-clustering. Several batches beat for the job at once (so none clears the beat)."""
    settings = task_settings()
    with (
        heartbeat(_job_lock(job_id), settings.job_heartbeat_s, clear=False),
        session_scope(settings) as session,
    ):
        last = run_batch(session, job_id, plan_id, index, feedback_ids, settings, worker_name(), _final(task))
    if last:
        finish_analysis(job_id, plan_id)
    return last


@huey.task(retries=2, retry_delay=30, retry_backoff=2, context=True, priority=PRIORITY_JOB + 1)
def finish_analysis(job_id: str, plan_id: str, task: Any = None) -> None:
    """Re-cluster, score and alert once every batch of the plan is extracted (ahead of later jobs'
    batches: one priority step above them)."""
    settings = task_settings()
    try:
        with (
            huey.lock_task(_job_lock(job_id)),
            heartbeat(_job_lock(job_id), settings.job_heartbeat_s),
            session_scope(settings) as session,
        ):
            deliveries = finish_job(session, job_id, plan_id, settings, final_attempt=_final(task))
    except TaskLockedException:
        logger.info("analysis job %s is already running elsewhere", job_id)
        return
    enqueue_deliveries(deliveries)


@huey.task(retries=3, retry_delay=10, retry_backoff=2, priority=PRIORITY_POST_INGEST)
def assign_new_feedback(workspace_id: str, feedback_ids: list[str]) -> int:
    """Incremental path: new items are tagged and attached to existing pain points as they arrive."""
    settings = task_settings()
    with session_scope(settings) as session:
        workspace = session.get(Workspace, workspace_id)
        if workspace is None:  # deleted since the items arrived
            return 0
        backend = get_backend(settings, workspace_taxonomy(workspace))
        assigned = assign_items(session, workspace_id, feedback_ids, backend)
    if assigned:
        schedule_scores_refresh(workspace_id, settings)
    return assigned


def _refresh_due_key(workspace_id: str) -> str:
    return f"scores-refresh-due:{workspace_id}"


@huey.task(retries=2, retry_delay=10, priority=PRIORITY_POST_INGEST)
def refresh_workspace_scores(workspace_id: str) -> int:
    """Scores and alerts of a workspace after incremental assignment; returns the deliveries enqueued."""
    huey.delete(_refresh_due_key(workspace_id))  # assignments from now on schedule the next refresh
    with session_scope(task_settings()) as session:
        workspace = session.get(Workspace, workspace_id)
        deliveries = refresh_scores(session, workspace) if workspace is not None else []
    enqueue_deliveries(deliveries)
    return len(deliveries)


def schedule_scores_refresh(workspace_id: str, settings: Settings, inline: bool | None = None) -> None:
    """Debounce: at most one refresh per ``scores_refresh_delay_s`` per workspace, whatever the ingest rate.

    The due time sits in the queue's storage; a refresh lost with its worker (due time long past) is
    scheduled again by the next assignment. ``inline`` (default: the queue runs tasks inline) refreshes now.
    """
    delay = settings.scores_refresh_delay_s
    if delay == 0 or (huey.immediate if inline is None else inline):
        refresh_workspace_scores.call_local(workspace_id)
        return
    key = _refresh_due_key(workspace_id)
    due = huey.get(key, peek=True)
    now = time.time()
    if due is not None and now < float(due) + delay:
        return
    huey.put(key, now + delay)
    refresh_workspace_scores.schedule((workspace_id,), delay=delay)


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


@on_recovery
def recover_analysis(settings: Settings) -> list[str]:
    """Re-enqueue analysis jobs orphaned by a dead worker; returns their ids.

    The heartbeat is refreshed before the job is enqueued, so a second recovery inside the stale window
    (another consumer's tick) does not enqueue it twice; the dead worker's lock on the job is cleared.
    """
    with session_scope(settings) as session:
        jobs = stale_jobs(
            session,
            settings.analysis_stale_after_s,
            settings.queued_stale_after_s,
            alive=lambda job_id: beating(
                _job_lock(job_id), lost_after(settings.analysis_stale_after_s, settings)
            ),
        )
        for job in jobs:
            logger.warning(
                "analysis job %s looks orphaned (%s, last heartbeat %s): re-queued",
                job.id,
                job.state,
                (job.result or {}).get("heartbeat"),
            )
            result = {**(job.result or {}), "heartbeat": utcnow().isoformat(), "requeued": True}
            if result.get(FANOUT):  # the old plan's queued batches turn into no-ops: the job is planned again
                result[FANOUT] = {**result[FANOUT], "plan": None}
            job.result = result
            session.add(job)
        session.commit()
        ids = [j.id for j in jobs]
    for job_id in ids:
        huey.flush_locks(_job_lock(job_id))
        run_analysis(job_id)
    return ids


@huey.task(priority=PRIORITY_RECOVERY)
def recover_stale_jobs() -> int:
    """One recovery pass now (operators, tests); ``service.queue`` runs ``recover_analysis`` every 20 s."""
    return len(recover_analysis(task_settings()))
