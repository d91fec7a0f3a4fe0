"""Huey tasks of the importers: run one import, and the per-minute scheduler.

``run_import`` holds a huey lock named after the source for the whole run, so two runs of one source never
overlap, whichever consumer picks them up (SqliteHuey or RedisHuey). While it runs, the task beats every
``job_heartbeat_s`` (``service.queue.heartbeat``). A worker killed mid-run leaves both the run (``running``)
and the lock behind; ``recover_imports`` — registered with ``service.queue.on_recovery``, so at start-up and
every 20 s — sees running runs with neither a checkpoint commit nor a heartbeat for ``import_stale_after_s``
(queued ones: ``queued_stale_after_s``), clears their lock and enqueues them again, and they continue from
their checkpoint.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from huey import crontab
from huey.exceptions import TaskLockedException
from sqlmodel import Session

from service.db import get_engine
from service.imports.runs import claim_due_sources, execute_run, stale_runs
from service.models import SourceRun
from service.models.types import utcnow
from service.queue import PRIORITY_JOB, beating, heartbeat, huey, lost_after, on_recovery, task_settings
from service.settings import Settings

logger = logging.getLogger(__name__)


def lock_name(run: SourceRun) -> str:
    return f"source-{run.source_id}" if run.source_id else f"import-{run.id}"


@huey.task(priority=PRIORITY_JOB)
def run_import(run_id: str, database_url: str | None = None) -> str | None:
    settings = task_settings(database_url)
    with Session(get_engine(settings)) as session:
        run = session.get(SourceRun, run_id)
        if run is None:
            return None
        name = lock_name(run)
    try:
        with huey.lock_task(name), heartbeat(_beat_name(run_id), settings.job_heartbeat_s):
            return execute_run(run_id, settings)
    except TaskLockedException:
        # Another run of this source is in progress: come back later rather than overlap with it.
        logger.info("import run %s waits: %s is locked", run_id, name)
        run_import.schedule((run_id, database_url), delay=settings.import_lock_retry_s)
        return "queued"


def enqueue(run: SourceRun, settings: Settings) -> None:
    """Hand a committed run to the queue."""
    run_import(run.id, settings.database_url)


def _beat_name(run_id: str) -> str:
    return f"import-{run_id}"


@on_recovery
def recover_imports(settings: Settings) -> list[str]:
    """Re-enqueue runs orphaned by a dead worker (their lock is stale too); returns their ids."""
    lost_after_s = lost_after(settings.import_stale_after_s, settings)
    queued_limit = utcnow() - timedelta(seconds=settings.queued_stale_after_s)
    with Session(get_engine(settings)) as session:
        runs = [
            run
            for run in stale_runs(session, settings.import_stale_after_s)
            if (run.state == "running" and not beating(_beat_name(run.id), lost_after_s))
            or (run.state == "queued" and run.created_at < queued_limit)
        ]
        for run in runs:
            if run.state == "running":  # its worker died holding the lock
                huey.flush_locks(lock_name(run))
            logger.warning(
                "import run %s looks orphaned (%s, last checkpoint %s): re-queued",
                run.id,
                run.state,
                run.heartbeat_at,
            )
            enqueue(run, settings)
        return [run.id for run in runs]


def schedule_due(settings: Settings) -> list[str]:
    with Session(get_engine(settings)) as session:
        runs = claim_due_sources(session)
        for run in runs:
            enqueue(run, settings)
        return [run.id for run in runs]


@huey.periodic_task(crontab(minute="*"))
def import_scheduler() -> None:
    """Every minute: queue the sources whose cron time has come (recovery runs from ``service.queue``)."""
    settings = task_settings()
    schedule_due(settings)
