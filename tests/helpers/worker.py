"""Real worker processes for crash tests: start ``frictionmap worker`` (or a test entry point wrapping it)
as a subprocess against the test's database and queue, and SIGKILL it — no cleanup, like a host losing
power — so tests show that what a dead worker was doing is resumed, not lost or doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from service.settings import Settings
from tests.helpers import paths

ROOT = paths.ROOT


def worker_env(settings: Settings, queue_url: str = "", **extra: str) -> dict[str, str]:
    """The environment of a worker on ``settings``' database and data dir (queue: ``queue_url``, or the
    SqliteHuey file in the data dir when empty); ``extra``: more ``FRICTIONMAP_*`` variables."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": settings.database_url,
            "FRICTIONMAP_DATA_DIR": str(settings.data_dir),
            "FRICTIONMAP_QUEUE_URL": queue_url,
            "FRICTIONMAP_QUEUE_IMMEDIATE": "false",
            "FRICTIONMAP_WORKER_IN_PROCESS": "false",
            "FRICTIONMAP_LOG_LEVEL": "INFO",
            "PYTHONPATH": str(ROOT),
            **extra,
        }
    )
    return env


def enqueue_in_subprocess(env: dict[str, str], code: str, *args: str) -> None:
    """Run ``code`` (which enqueues a task, ``sys.argv[1:]`` = ``args``) in a process with the worker's
    environment, so the message lands in the worker's queue rather than the tests' immediate one."""
    subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, check=True, timeout=60)


def start_worker(env: dict[str, str], log: Path, module: str = "service.cli") -> subprocess.Popen[bytes]:
    """``python -m <module> worker`` in its own process group, output appended to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", module, "worker"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker's whole process group (no handlers run, locks and messages stay behind)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def batch_in_flight(log: Path) -> bool:
    """True while the worker log shows an extraction batch started and not yet finished.

    A kill timed on the job's progress alone can land between two batches on a loaded machine (the next one
    not yet taken from the queue): nothing is lost then and there is nothing to resume. Tests of recovery kill
    while this is true, inside a batch (``FRICTIONMAP_ANALYSIS_BATCH_PAUSE_S`` keeps each one open ~1 s)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    started = text.count("Executing service.analysis.tasks.extract_analysis_batch")
    finished = text.count("service.analysis.tasks.extract_analysis_batch: ") - started
    return started > finished
