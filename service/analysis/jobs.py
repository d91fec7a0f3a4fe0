"""The analysis job end to end: extract → re-cluster → score → alerts, with progress and checkpoints.

Two ways to run it. ``execute_job`` does everything in one task (``analysis_batch_items = 0``, and tests).
The default fans out: ``plan_job`` splits the pending items into batches, any worker runs ``run_batch``,
each completion is counted on the job row under its write lock (``_record_batch``: idempotent per batch,
so a retried or duplicated batch is counted once), and the batch that completes the plan — exactly one —
hands over to ``finish_job`` (re-cluster, score, alerts). Progress is the share of batches done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, text, update
from sqlmodel import Session, col, select

from nlp.phases import phase
from service.analysis import batch_ranges
from service.analysis.adaptation import adapt_workspace_sentiment
from service.analysis.backend import AnalysisBackend
from service.analysis.backend_factory import get_backend
from service.analysis.extraction import AnalysisScope, extract_batch, extract_pending, pending_items
from service.analysis.runner import ReclusterResult, recluster
from service.analysis.view_summary import load_summary
from service.models import FeedbackItem, Job, Workspace
from service.models.types import new_id, utcnow
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
    with phase("stored_sums"):
        view = load_summary(session, workspace, build_inline=True)
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


@dataclass(frozen=True)
class _Context:
    workspace: Workspace
    scope: AnalysisScope
    backend: AnalysisBackend
    stages: list[str]
    max_rated_per_class: int = 2500  # Settings.max_rated_per_class


def _start(session: Session, job_id: str) -> Job | None:
    """Mark the job running (one more attempt); None when it is gone, done, or its workspace is gone."""
    job = session.get(Job, job_id)
    if job is None or job.state == "done" or session.get(Workspace, job.workspace_id) is None:
        return None
    job.state = "running"
    job.attempts += 1
    job.started_at = job.started_at or utcnow()
    job.error = None
    _checkpoint(session, job, job.progress, "starting")
    return job


def _context(session: Session, job: Job, settings: Settings) -> _Context:
    workspace = session.get(Workspace, job.workspace_id)
    if workspace is None:
        raise LookupError(f"workspace of job {job.id} is gone")
    scope = AnalysisScope.model_validate((job.params or {}).get("scope") or {})
    taxonomy = workspace_taxonomy(workspace)
    return _Context(
        workspace,
        scope,
        get_backend(settings, taxonomy),
        list(taxonomy.stage_ids),
        settings.max_rated_per_class,
    )


@contextmanager
def _failure_recorded(session: Session, job_id: str, final_attempt: bool, retry_state: str) -> Iterator[None]:
    """On an error: roll back, store it on the job, and leave the job ``failed`` on the final attempt or
    ``retry_state`` (what the retried task expects to find) otherwise; the error propagates."""
    try:
        yield
    except Exception as exc:
        session.rollback()
        job = session.get(Job, job_id)
        if job is not None:
            job.error = f"{type(exc).__name__}: {exc}"[:2000]
            job.state = "failed" if final_attempt else retry_state
            if final_attempt:
                job.finished_at = utcnow()
            session.add(job)
            session.commit()
        raise


def _cluster_and_finish(session: Session, job: Job, ctx: _Context) -> list[str]:
    # Adapting needs every rated unit of the workspace, so it runs once all extraction batches are done.
    with phase("adaptation"):
        adaptation = adapt_workspace_sentiment(
            session, ctx.workspace.id, ctx.scope, ctx.backend, ctx.max_rated_per_class
        )
    with phase("recluster"):
        result: ReclusterResult = recluster(session, ctx.workspace.id, ctx.scope, ctx.backend)
    _checkpoint(session, job, 0.9, "score")
    with phase("scores"):
        deliveries = refresh_scores(session, ctx.workspace, result.created)
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
        "sentiment_adaptation": adaptation.to_json() if adaptation is not None else None,
    }
    session.add(job)
    session.commit()
    return deliveries


def execute_job(
    session: Session, job_id: str, settings: Settings, final_attempt: bool = True, batch_size: int = 64
) -> list[str]:
    """Run (or resume) one analysis job in this task; returns webhook delivery ids for the caller to
    enqueue. The fan-out alternative (``plan_job`` → ``run_batch`` × N → ``finish_job``) spreads the
    extraction over every worker."""
    job = _start(session, job_id)
    if job is None:
        return []
    current: Job = job
    with _failure_recorded(session, job_id, final_attempt, retry_state="queued"):
        ctx = _context(session, job, settings)

        def progress(frac: float, message: str) -> None:
            _checkpoint(session, current, 0.05 + 0.65 * frac, "extract", message=message)
            if settings.analysis_batch_pause_s:
                time.sleep(settings.analysis_batch_pause_s)

        written = extract_pending(
            session,
            ctx.workspace.id,
            ctx.scope,
            ctx.backend,
            batch_size=batch_size,
            on_progress=progress,
            stages=ctx.stages,
        )
        _checkpoint(session, job, 0.7, "cluster", units_written=written)
        return _cluster_and_finish(session, job, ctx)
    raise AssertionError("unreachable")  # pragma: no cover (the context manager re-raises)


# -- fan-out: extraction batches any worker takes, re-clustering when the last one is done --------------

FANOUT = "fanout"


@dataclass(frozen=True)
class BatchPlan:
    """One extraction plan of a job: ``batches`` of pending item ids; ``plan_id`` tells a current batch
    from one of a plan replaced by a recovery (whose completion then counts for nothing)."""

    plan_id: str
    batches: list[list[str]]


def _fanout(job: Job) -> dict[str, Any]:
    return dict((job.result or {}).get(FANOUT) or {})


def plan_job(
    session: Session, job_id: str, settings: Settings, final_attempt: bool = True
) -> BatchPlan | None:
    """Start (or resume) a job as batches: what is still pending, in ``analysis_batch_items`` chunks.

    A resumed job gets a new plan over what is still pending (items extracted by the old plan's batches
    are done and skipped); an empty plan means the job goes straight to re-clustering.
    """
    job = _start(session, job_id)
    if job is None:
        return None
    with _failure_recorded(session, job_id, final_attempt, retry_state="queued"):
        ctx = _context(session, job, settings)
        with phase("plan"):
            pending = pending_items(session, ctx.workspace.id, ctx.scope, ctx.backend, ctx.stages)
            _refresh_sqlite_statistics(session)
        size = max(1, settings.analysis_batch_items)
        plan = BatchPlan(new_id(), [pending[i : i + size] for i in range(0, len(pending), size)])
        state = {
            "plan": plan.plan_id,
            "items": len(pending),
            "batches": len(plan.batches),
            "done_ranges": [],
            "done_count": 0,
            "units": 0,
            "workers": {},
            "clustering": not plan.batches,
            "planned_at": utcnow().isoformat(),
        }
        _checkpoint(session, job, job.progress, "extract" if plan.batches else "cluster", **{FANOUT: state})
    return plan


def _refresh_sqlite_statistics(session: Session) -> None:
    """SQLite only: ``ANALYZE`` the tables that need it, once per plan. Without statistics SQLite answers a
    batch's ``workspace_id = ? AND id IN (64 ids)`` by walking every item of the workspace on the
    (workspace, created_at, id) index instead of looking the 64 ids up by key: 0.34 CPU s a batch at 1M items,
    ~1.5 h over a 1M analysis (docs/benchmarks.md, "Full analysis at 1M"). PostgreSQL keeps its own."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA optimize=0x10002"))  # 0x2: analyze where useful; 0x10000: every table
        session.commit()


def _lock_job(session: Session, job_id: str) -> Job | None:
    """The job row, read after taking its write lock: a no-op UPDATE first (SQLite: the database's write
    lock, so the read that follows is current; PostgreSQL: the row lock), so that concurrent batches'
    read-modify-write of the counter never lose an update."""
    session.commit()  # no snapshot older than the lock
    session.execute(update(Job).where(col(Job.id) == job_id).values(attempts=Job.attempts))
    return session.get(Job, job_id, populate_existing=True)


def _record_batch(session: Session, job_id: str, plan_id: str, index: int, units: int, worker: str) -> bool:
    """Count batch ``index`` of plan ``plan_id`` as done (once, however often it runs); True for exactly
    one caller: the one whose batch completed the plan, which then starts the re-clustering."""
    job = _lock_job(session, job_id)
    state = _fanout(job) if job is not None else {}
    done = batch_ranges.done_ranges(state)
    if (
        job is None
        or job.state != "running"
        or state.get("plan") != plan_id
        or batch_ranges.contains(done, index)
    ):
        session.commit()
        return False
    done = batch_ranges.add(done, index)
    state.pop("done", None)  # a job planned before the ranges: its list is replaced by them
    state["done_ranges"], state["done_count"] = done, batch_ranges.count(done)
    state["units"] += units
    state["workers"] = {**state["workers"], worker: state["workers"].get(worker, 0) + 1}
    last = state["done_count"] == state["batches"] and not state["clustering"]
    if last:
        state["clustering"] = True
        state["extracted_at"] = utcnow().isoformat()
    frac = state["done_count"] / max(1, state["batches"])
    message = f"extracted {state['done_count']}/{state['batches']} batches"
    _checkpoint(
        session, job, 0.05 + 0.65 * frac, "cluster" if last else "extract", message=message, **{FANOUT: state}
    )
    return last


def run_batch(
    session: Session,
    job_id: str,
    plan_id: str,
    index: int,
    feedback_ids: list[str],
    settings: Settings,
    worker: str,
    final_attempt: bool = True,
) -> bool:
    """Extract one batch and count it; True when it was the plan's last (the caller enqueues
    ``finish_job``). A batch of a replaced plan, of a finished or failed job, does nothing."""
    job = session.get(Job, job_id)
    if job is None or job.state != "running" or _fanout(job).get("plan") != plan_id:
        return False
    with _failure_recorded(session, job_id, final_attempt, retry_state="running"):
        ctx = _context(session, job, settings)
        with phase("batch", index=index):
            written = extract_batch(
                session, ctx.workspace.id, ctx.scope, feedback_ids, ctx.backend, ctx.stages
            )
            if settings.analysis_batch_pause_s:
                time.sleep(settings.analysis_batch_pause_s)
            return _record_batch(session, job_id, plan_id, index, written, worker)
    raise AssertionError("unreachable")  # pragma: no cover


def finish_job(
    session: Session, job_id: str, plan_id: str, settings: Settings, final_attempt: bool = True
) -> list[str]:
    """Re-cluster, score and close a job whose plan is fully extracted; returns delivery ids."""
    job = session.get(Job, job_id)
    if job is None or job.state != "running" or _fanout(job).get("plan") != plan_id:
        return []
    with _failure_recorded(session, job_id, final_attempt, retry_state="running"):
        ctx = _context(session, job, settings)
        _checkpoint(session, job, 0.7, "cluster", units_written=_fanout(job).get("units", 0))
        return _cluster_and_finish(session, job, ctx)
    raise AssertionError("unreachable")  # pragma: no cover


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
