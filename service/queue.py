"""The huey instance every background task registers on.

* default: ``SqliteHuey`` in ``data_dir/queue.db`` — zero set-up, survives restarts;
* ``FRICTIONMAP_QUEUE_URL=redis://host:port/db``: ``RedisHuey``, for several API/worker processes;
* ``FRICTIONMAP_QUEUE_IMMEDIATE=true``: tasks run inline in the caller (tests, notebooks).

Tasks live in ``service/<domain>/tasks.py`` and decorate with ``@huey.task()`` / ``@huey.periodic_task()``
from this module. ``load_task_modules()`` imports each of them (listed by hand), so a consumer (in-process or
``frictionmap worker``) knows every task and every hook they register. Tasks read their settings with
``task_settings()`` from this module, never ``get_settings()`` directly.
"""

from __future__ import annotations

import logging
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

from service.settings import Settings, get_settings

logger = logging.getLogger(__name__)


def build_huey(settings: Settings, name: str = "frictionmap") -> Huey:
    """The huey for ``settings``; ``name`` namespaces the queue (several deployments sharing one Redis)."""
    if settings.queue_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=settings.queue_url, immediate=settings.queue_immediate, utc=True)
    if settings.queue_url:
        raise ValueError(f"FRICTIONMAP_QUEUE_URL must be empty or redis://...; got {settings.queue_url!r}")
    if not settings.queue_immediate:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(settings.queue_path), immediate=settings.queue_immediate, utc=True)


huey: Huey = build_huey(get_settings())

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
