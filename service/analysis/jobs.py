"""The analysis job end to end: extract → re-cluster → score → alerts, with progress and checkpoints."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from service.analysis.backend_factory import get_backend
from service.analysis.extraction import AnalysisScope, extract_pending
from service.analysis.runner import ReclusterResult, recluster
from service.analysis.view_summary import load_summary
from service.models import FeedbackItem, Job, Workspace
from service.models.types import utcnow
from service.settings import Settings
from service.themes.naming import display_name, workspace_language
from service.webhooks.delivery import record_event
from service.workspaces.taxonomy import workspace_taxonomy

logger = logging.getLogger(__name__)

ANALYSIS_KIND = "analysis"


def create_job(
    session: Session, workspace_id: str, kind: str, params: dict[str, Any], *, commit: bool = True
) -> Job:
    """The one place a job row is born (analyses from the API and the scheduler, uploads' import jobs).

    The row must be committed before its task is enqueued, or a worker could look for it too early: by
    default this commits. ``commit=False`` only flushes (the id is then known), for a caller that commits
    the job together with rows that point at it (an upload's import run).
    """
    job = Job(workspace_id=workspace_id, kind=kind, params=params)
    session.add(job)
    if commit:
        session.commit()
    else:
        session.flush()
    return job


def active_analysis(session: Session, workspace_id: str, params: dict[str, Any]) -> Job | None:
    """A queued or running analysis of the workspace with exactly these parameters, if there is one."""
    active = session.exec(
        select(Job).where(
            Job.workspace_id == workspace_id,
            Job.kind == ANALYSIS_KIND,
            col(Job.state).in_(["queued", "running"]),
        )
    ).all()
    return next((j for j in active if (j.params or {}) == params), None)


def _checkpoint(session: Session, job: Job, progress: float, stage: str, **extra: Any) -> None:
    job.progress = round(max(job.progress, min(progress, 1.0)), 4)
    job.result = {**(job.result or {}), "stage": stage, "heartbeat": utcnow().isoformat(), **extra}
    session.add(job)
    session.commit()


def refresh_scores(session: Session, workspace: Workspace, created: list[str] | None = None) -> list[str]:
    """Store the unfiltered score on every pain point and record alerts; returns delivery ids to send.

    Scores come from the stored read sums, rebuilt here when the data moved since they were built (after a
    recluster, or the debounced refresh after incremental assignments): one rebuild per refresh, not one
    per ingest batch, and reads that follow find them fresh."""
    view = load_summary(session, workspace)
    deliveries: list[str] = []
    created_set = set(created or [])
    for pp in view.pain_points.values():
        result = view.scores[pp.id]
        was_emerging = pp.emerging
        pp.score = result.to_dict()
        pp.emerging = result.trend.emerging
        session.add(pp)
        data = {
            "pain_point": {
                "id": pp.id,
                "kind": pp.kind,
                "label": pp.label,
                "name": display_name(pp, workspace_language(workspace)),
                "stage": pp.stage,
                "priority": result.priority,
                "items": result.n_items,
                "trend": {
                    "ratio": result.trend.ratio,
                    "p_value": result.trend.p_value,
                    "reason": result.trend.reason,
                },
            }
        }
        if pp.id in created_set and pp.kind == "pain":
            deliveries += record_event(session, workspace.id, "pain_point.created", data)
        if pp.emerging and not was_emerging and pp.kind == "pain":
            deliveries += record_event(session, workspace.id, "pain_point.emerging", data)
    session.commit()
    return deliveries


def execute_job(
    session: Session, job_id: str, settings: Settings, final_attempt: bool = True, batch_size: int = 64
) -> list[str]:
    """Run (or resume) one analysis job; returns webhook delivery ids for the caller to enqueue."""
    job = session.get(Job, job_id)
    if job is None or job.state == "done":
        return []
    workspace = session.get(Workspace, job.workspace_id)
    if workspace is None:
        return []
    job.state = "running"
    job.attempts += 1
    job.started_at = job.started_at or utcnow()
    job.error = None
    _checkpoint(session, job, job.progress, "starting")
    current: Job = job
    try:
        scope = AnalysisScope.model_validate((job.params or {}).get("scope") or {})
        taxonomy = workspace_taxonomy(workspace)
        backend = get_backend(settings, taxonomy)

        def progress(frac: float, message: str) -> None:
            _checkpoint(session, current, 0.05 + 0.65 * frac, "extract", message=message)
            if settings.analysis_batch_pause_s:
                time.sleep(settings.analysis_batch_pause_s)

        written = extract_pending(
            session,
            workspace.id,
            scope,
            backend,
            batch_size=batch_size,
            on_progress=progress,
            stages=taxonomy.stage_ids,
        )
        _checkpoint(session, job, 0.7, "cluster", units_written=written)
        result: ReclusterResult = recluster(session, workspace.id, scope, backend)
        _checkpoint(session, job, 0.9, "score")
        deliveries = refresh_scores(session, workspace, result.created)
        job.state = "done"
        job.progress = 1.0
        job.finished_at = utcnow()
        job.result = {
            **(job.result or {}),
            "stage": "done",
            "units": result.units,
            "assigned_units": result.assigned,
            "pain_points_created": len(result.created),
            "pain_points_updated": len(result.updated),
            "pain_points_removed": len(result.removed),
            "webhook_deliveries": len(deliveries),
        }
        session.add(job)
        session.commit()
        return deliveries
    except Exception as exc:
        session.rollback()
        job = session.get(Job, job_id)
        if job is not None:
            job.error = f"{type(exc).__name__}: {exc}"[:2000]
            job.state = "failed" if final_attempt else "queued"
            if final_attempt:
                job.finished_at = utcnow()
            session.add(job)
            session.commit()
        raise


def workspaces_due(session: Session) -> list[str]:
    """Workspaces with feedback received after their last finished analysis and no analysis in flight."""
    due = []
    for ws in session.exec(select(Workspace)).all():
        jobs = session.exec(select(Job).where(Job.workspace_id == ws.id, Job.kind == ANALYSIS_KIND)).all()
        if any(j.state in ("queued", "running") for j in jobs):
            continue
        done = [j.finished_at for j in jobs if j.state == "done" and j.finished_at]
        newest = session.exec(
            select(func.max(FeedbackItem.received_at)).where(FeedbackItem.workspace_id == ws.id)
        ).one()
        if newest is None:
            continue
        newest = newest if newest.tzinfo else newest.replace(tzinfo=UTC)
        if not done or newest > max(done):
            due.append(ws.id)
    return due


def stale_jobs(
    session: Session,
    stale_after_s: float,
    queued_stale_after_s: float | None = None,
    alive: Callable[[str], bool] = lambda _job_id: False,
) -> list[Job]:
    """Jobs a killed worker left behind.

    A running job is stale when ``alive(job_id)`` (its worker's heartbeat, ``service.queue.heartbeat``) says
    no and its last checkpoint is older than ``stale_after_s``. A queued job has no worker yet: its message
    waits in the queue, possibly behind other work, so it counts as lost only after
    ``queued_stale_after_s`` (default: ``stale_after_s``).
    """
    now = utcnow()
    queued_after = stale_after_s if queued_stale_after_s is None else queued_stale_after_s
    out = []
    for job in session.exec(
        select(Job).where(Job.kind == ANALYSIS_KIND, col(Job.state).in_(["queued", "running"]))
    ).all():
        beat = (job.result or {}).get("heartbeat")
        last = datetime.fromisoformat(beat) if beat else job.created_at
        limit = stale_after_s if job.state == "running" else queued_after
        if last < now - timedelta(seconds=limit) and not alive(job.id):
            out.append(job)
    return out
