"""The huey instance every background task registers on.

* default: ``SqliteHuey`` in ``data_dir/queue.db`` — zero set-up, survives restarts;
* ``FRICTIONMAP_QUEUE_URL=redis://host:port/db``: ``PriorityRedisHuey`` (Redis >= 5), for several API/worker
  processes;
* ``FRICTIONMAP_QUEUE_IMMEDIATE=true``: tasks run inline in the caller (tests, notebooks).

Tasks live in ``service/<domain>/tasks.py`` and decorate with ``@huey.task()`` / ``@huey.periodic_task()``
from this module. ``load_task_modules()`` imports each of them (listed by hand), so a consumer (in-process or
``frictionmap worker``) knows every task and every hook they register. Tasks read their settings with
``task_settings()`` from this module, never ``get_settings()`` directly.

Fairness: the queue is one, ordered by priority (higher first, FIFO within one). Work a user waits for —
webhook deliveries, recovery, analyses, imports — goes before the post-ingest work that a burst of ingest
requests piles up (``PRIORITY_*``); a worker thread only ever finishes the task it holds before taking the
most urgent one.

Recovery: a task that owns a job beats (``heartbeat``) every ``job_heartbeat_s`` into the queue's own
storage (not the application database, whose write lock a long transaction may hold). The domains register
their recovery with ``on_recovery``; ``recover_lost_work`` runs them at worker start-up, every minute and
twice between minutes, and once more when the start-up's fresh heartbeats would have gone stale, so a job
whose worker was killed resumes within ``*_stale_after_s`` + 20 s of a worker being available.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from huey import Huey, PriorityRedisHuey, SqliteHuey, crontab
from huey.api import Task
from huey.consumer import Consumer
from huey.storage import SqliteStorage

from service.settings import Settings, get_settings

logger = logging.getLogger(__name__)


def build_huey(settings: Settings, name: str = "frictionmap") -> Huey:
    """The huey for ``settings``; ``name`` namespaces the queue (several deployments sharing one Redis)."""
    if settings.queue_url.startswith(("redis://", "rediss://", "unix://")):
        return PriorityRedisHuey(name, url=settings.queue_url, immediate=settings.queue_immediate, utc=True)
    if settings.queue_url:
        raise ValueError(f"FRICTIONMAP_QUEUE_URL must be empty or redis://...; got {settings.queue_url!r}")
    if not settings.queue_immediate:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(settings.queue_path), immediate=settings.queue_immediate, utc=True)


huey: Huey = build_huey(get_settings())

# Task priorities (higher first). Post-ingest work stays at 0, the default.
PRIORITY_POST_INGEST = 0
PRIORITY_JOB = 10  # analyses and imports
PRIORITY_WEBHOOK = 20
PRIORITY_RECOVERY = 30

_override: Settings | None = None


def use_settings(settings: Settings | None) -> None:
    """Point every task at ``settings`` (``None``: back to the environment's).

    Tests and notebooks run tasks inline against a database of their own; the API process gets its settings
    from ``create_app(settings)``, but a task has no app to ask, so it is told here.
    """
    global _override
    _override = settings


def task_settings(database_url: str | None = None) -> Settings:
    """The settings a task runs with: the environment's (API and worker processes read the same one), or
    those given to ``use_settings``.

    ``database_url`` is for tasks whose enqueuer passes its database along (imports): the task then works on
    the database the run was committed to, even when the worker's environment names another.
    """
    settings = _override or get_settings()
    if database_url and database_url != settings.database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    return settings


def load_task_modules() -> list[str]:
    """Import every domain's task module (registers tasks and hooks); returns their names.

    The list is explicit so that a reader (or mypy) can follow it; a new domain with tasks adds its line here.
    Imported inside the function because each task module imports ``huey`` from this one.
    """
    from service.analysis import tasks as analysis_tasks
    from service.imports import tasks as import_tasks
    from service.webhooks import tasks as webhook_tasks

    return [m.__name__ for m in (analysis_tasks, import_tasks, webhook_tasks)]


def enqueue_all(tasks: Sequence[Task], chunk: int = 500) -> None:
    """Enqueue many tasks; on SqliteHuey ``chunk`` of them per transaction.

    SqliteHuey commits one exclusive transaction per message (~5 ms on a loaded machine, beside the workers'
    dequeues): an analysis of 1M items enqueued its 15,625 extraction batches for 79 s (docs/benchmarks.md,
    issue 14). The rows are what ``SqliteStorage.enqueue`` writes (``tests/service/test_queue_bulk.py``
    dequeues them through huey); chunks let the workers start on the first batches while the rest are
    written. Immediate mode and Redis go through ``huey.enqueue`` one task at a time. No ``enqueued`` signal
    is sent for the bulk rows (no handler is registered for it)."""
    storage = huey.storage
    if huey.immediate or not isinstance(storage, SqliteStorage):
        for task in tasks:
            huey.enqueue(task)
        return
    for task in tasks:
        if task.expires:
            task.resolve_expires(huey.utc)  # as ``huey.enqueue`` does
    for start in range(0, len(tasks), chunk):
        rows = [
            (storage.name, storage.to_blob(huey.serialize_task(t)), t.priority or 0)
            for t in tasks[start : start + chunk]
        ]
        with storage.db(commit=True) as cursor:
            cursor.executemany("insert into task (queue, data, priority) values (?, ?, ?)", rows)


class _ThreadConsumer(Consumer):
    """A consumer that can live inside another program: no signal handlers (those belong to uvicorn)."""

    def _set_signal_handlers(self) -> None:
        return None


def start_in_process_consumer(settings: Settings) -> Consumer | None:
    """Start worker threads inside the API process (embedded default); None in immediate mode."""
    if huey.immediate:
        return None
    load_task_modules()
    consumer = _ThreadConsumer(huey, workers=settings.worker_threads, worker_type="thread", periodic=True)
    consumer.start()
    logger.info("in-process queue consumer started with %d thread(s)", settings.worker_threads)
    return consumer


def stop_consumer(consumer: Any) -> None:
    consumer.stop(graceful=True)


def run_consumer(settings: Settings) -> None:
    """Blocking consumer for ``frictionmap worker`` (handles SIGINT/SIGTERM)."""
    load_task_modules()
    Consumer(huey, workers=settings.worker_threads, worker_type="thread", periodic=True).run()


def _beat_key(name: str) -> str:
    return f"heartbeat:{name}"


@contextmanager
def heartbeat(name: str, interval_s: float, clear: bool = True) -> Iterator[None]:
    """Beat for ``name`` every ``interval_s`` seconds while the block runs, from a daemon thread.

    ``clear=False`` leaves the last beat in place (it ages): for several tasks beating for one job at
    once (an analysis' extraction batches), where one finishing must not make the others look dead.

    The beat lives in the queue's storage, so it goes on while the job holds the database's write lock or
    sits in one long computation; it stops with the process, which is what recovery looks for.
    """
    stop = threading.Event()
    key = _beat_key(name)

    def beat() -> None:
        while True:
            try:
                huey.put(key, time.time())
            except Exception:  # the queue's storage is briefly unreachable: the next beat will do
                logger.warning("heartbeat of %s not written", name, exc_info=True)
            if stop.wait(interval_s):
                return

    thread = threading.Thread(target=beat, name=f"heartbeat-{name}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
        try:
            if clear:
                huey.delete(key)
        except Exception:  # a stale beat left behind only makes recovery wait for it to age
            logger.warning("heartbeat of %s not cleared", name, exc_info=True)


def last_beat(name: str) -> float | None:
    """Unix time of ``name``'s last heartbeat; None when nothing beats for it (finished or never started)."""
    value = huey.get(_beat_key(name), peek=True)
    return float(value) if value is not None else None


def lost_after(stale_after_s: float, settings: Settings) -> float:
    """Seconds without a beat after which work counts as lost: ``stale_after_s``, but never under two
    heartbeat intervals (a live worker must not be taken for dead between two beats)."""
    return max(stale_after_s, 2 * settings.job_heartbeat_s)


def beating(name: str, within_s: float, now: float | None = None) -> bool:
    """Whether ``name`` beat in the last ``within_s`` seconds."""
    beat = last_beat(name)
    return beat is not None and (now or time.time()) - beat < within_s


RecoveryHook = Callable[[Settings], object]
_recoveries: list[RecoveryHook] = []
_Hook = TypeVar("_Hook", bound=RecoveryHook)


def on_recovery(callback: _Hook) -> _Hook:
    """Register ``callback(settings)``: re-enqueue the domain's work whose worker died (decorator)."""
    if callback not in _recoveries:
        _recoveries.append(callback)
    return callback


def run_recoveries(settings: Settings) -> None:
    for callback in list(_recoveries):
        try:
            callback(settings)
        except Exception:  # the database may not be migrated yet; the next tick retries
            logger.exception("recovery %r failed", callback)


# Checks between the minute ticks (huey's periodic tasks have a one-minute grain).
RECOVERY_OFFSETS_S = (20, 40)


@huey.task(priority=PRIORITY_RECOVERY)
def recover_lost_work_once() -> None:
    run_recoveries(task_settings())


@huey.periodic_task(crontab(minute="*"), priority=PRIORITY_RECOVERY)
def recover_lost_work() -> None:
    run_recoveries(task_settings())
    for delay in RECOVERY_OFFSETS_S:
        recover_lost_work_once.schedule(delay=delay)


_startup_lock = threading.Lock()
_startup_done = False


@huey.on_startup()
def _recover_on_startup() -> None:
    """A restarted worker resumes what its predecessor was killed in the middle of: now for what is already
    stale, and once more when the heartbeats the dead worker left have had time to go stale."""
    global _startup_done
    with _startup_lock:  # start-up hooks run in every worker thread; once per process is enough
        if _startup_done:
            return
        _startup_done = True
    settings = task_settings()
    run_recoveries(settings)
    stale_after_s = max(settings.analysis_stale_after_s, settings.import_stale_after_s)
    try:
        recover_lost_work_once.schedule(delay=lost_after(stale_after_s, settings) + 1)
    except Exception:  # the per-minute tick recovers the same work, a little later
        logger.exception("could not schedule the post-start-up recovery check")
