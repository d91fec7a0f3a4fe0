"""The huey instance every background task registers on.

* default: ``SqliteHuey`` in ``data_dir/queue.db`` — zero set-up, survives restarts;
* ``FRICTIONMAP_QUEUE_URL=redis://host:port/db``: ``RedisHuey``, for several API/worker processes;
* ``FRICTIONMAP_QUEUE_IMMEDIATE=true``: tasks run inline in the caller (tests, notebooks).

Tasks live in ``service/tasks/<area>.py`` and decorate with ``@huey.task()`` / ``@huey.periodic_task()`` from
this module. ``load_task_modules()`` imports every module of that package, so a consumer (in-process or
``frictionmap worker``) knows every task and every hook they register.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
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


def load_task_modules() -> list[str]:
    """Import every ``service.tasks.*`` module (registers tasks and hooks); returns their names."""
    import service.tasks as tasks_pkg

    names = []
    for info in pkgutil.iter_modules(tasks_pkg.__path__, prefix="service.tasks."):
        importlib.import_module(info.name)
        names.append(info.name)
    return names


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
