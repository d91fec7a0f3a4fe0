"""Huey tasks of the importers: run one import, and the per-minute scheduler.

``run_import`` holds a huey lock named after the source for the whole run, so two runs of one source never
overlap, whichever consumer picks them up (SqliteHuey or RedisHuey). A worker killed mid-run leaves both the
run (``running``) and the lock behind; ``recover_imports`` — at consumer start-up and every minute — sees
runs whose last checkpoint commit is older than ``import_stale_after_s``, clears their lock and enqueues
them again, and they continue from their checkpoint.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.exceptions import TaskLockedException
from sqlmodel import Session

from service.db import get_engine
from service.imports.runs import claim_due_sources, execute_run, stale_runs
from service.models import SourceRun
from service.queue import huey, task_settings
from service.settings import Settings

logger = logging.getLogger(__name__)


def lock_name(run: SourceRun) -> str:
    return f"source-{run.source_id}" if run.source_id else f"import-{run.id}"


@huey.task()
def run_import(run_id: str, database_url: str | None = None) -> str | None:
    settings = task_settings(database_url)
    with Session(get_engine(settings)) as session:
        run = session.get(SourceRun, run_id)
        if run is None:
            return None
        name = lock_name(run)
    try:
        with huey.lock_task(name):
            return execute_run(run_id, settings)
    except TaskLockedException:
        # Another run of this source is in progress: come back later rather than overlap with it.
        logger.info("import run %s waits: %s is locked", run_id, name)
        run_import.schedule((run_id, database_url), delay=settings.import_lock_retry_s)
        return "queued"


def enqueue(run: SourceRun, settings: Settings) -> None:
    """Hand a committed run to the queue."""
    run_import(run.id, settings.database_url)


def recover_imports(settings: Settings) -> list[str]:
    """Re-enqueue runs orphaned by a dead worker (their lock is stale too); returns their ids."""
    with Session(get_engine(settings)) as session:
        runs = stale_runs(session, settings.import_stale_after_s)
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
    """Every minute: queue the sources whose cron time has come, and resume orphaned runs."""
    settings = task_settings()
    schedule_due(settings)
    recover_imports(settings)


@huey.on_startup()
def _recover_on_startup() -> None:
    """A restarted worker resumes what its predecessor was killed in the middle of."""
    try:
        recover_imports(task_settings())
    except Exception:  # the database may not be migrated yet; the periodic task will retry
        logger.exception("import recovery at start-up failed")
