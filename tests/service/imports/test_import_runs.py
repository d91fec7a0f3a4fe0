"""Run execution: scheduling, per-source locking, exact resume from a checkpoint — in process and by
really killing a worker process mid-file (SQLite and PostgreSQL; SqliteHuey and RedisHuey)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from service.db import get_engine
from service.imports import runs as import_runs
from service.imports.runs import create_source_run, default_feedback_source, execute_run
from service.models import FeedbackItem, Source, SourceRun
from service.models.types import utcnow
from service.queue import huey
from service.settings import Settings, get_settings
from tests.helpers.imports import wait_for
from tests.helpers.worker import enqueue_in_subprocess, kill, start_worker, worker_env


@pytest.fixture
def exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    directory = tmp_path / "exports"
    directory.mkdir()
    monkeypatch.setenv("FRICTIONMAP_IMPORT_DIRS", json.dumps([str(directory)]))
    get_settings.cache_clear()
    yield directory
    get_settings.cache_clear()


@pytest.fixture
def run_settings(settings: Settings, exports: Path) -> Settings:
    return settings.model_copy(update={"import_dirs": [exports], "import_chunk_rows": 40})


def write_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("id,comment,rating,date\n")
        for n in range(1, rows + 1):
            out.write(
                f'{n},"Commande {n} : livraison en retard de {n % 9 + 1} jours, personne ne répond",'
                f"{n % 5 + 1},2024-0{n % 9 + 1}-1{n % 9}\n"
            )
    return path


def add_source(session: Session, workspace_id: str, location: Path, **extra: object) -> Source:
    source = Source(
        workspace_id=workspace_id,
        name=f"src-{location.name}",
        type="generic_csv",
        location=str(location),
        mapping={},
        feedback_source="pending",
        **extra,
    )
    source.feedback_source = default_feedback_source("generic_csv", source.id)
    session.add(source)
    session.commit()
    return source


def queue_run(session: Session, source: Source) -> SourceRun:
    run = create_source_run(session, source, "manual")
    session.commit()
    return run


def stored(settings: Settings, feedback_source: str) -> int:
    with Session(get_engine(settings)) as s:
        stmt = select(func.count()).select_from(FeedbackItem).where(FeedbackItem.source == feedback_source)
        return int(s.exec(stmt).one())


def load_run(settings: Settings, run_id: str) -> SourceRun:
    with Session(get_engine(settings)) as s:
        run = s.get(SourceRun, run_id)
        assert run is not None
        return run


def test_scheduler_queues_each_due_tick_once(
    run_settings: Settings, workspace_id: str, exports: Path
) -> None:
    from service.imports.tasks import schedule_due

    csv_path = write_csv(exports / "daily.csv", 30)
    with Session(get_engine(run_settings), expire_on_commit=False) as s:
        due = add_source(
            s, workspace_id, csv_path, schedule="0 6 * * *", next_run_at=utcnow() - timedelta(minutes=1)
        )
        add_source(
            s,
            workspace_id,
            write_csv(exports / "off.csv", 3),
            schedule="* * * * *",
            enabled=False,
            next_run_at=utcnow() - timedelta(minutes=1),
        )
        add_source(
            s,
            workspace_id,
            write_csv(exports / "later.csv", 3),
            schedule="* * * * *",
            next_run_at=utcnow() + timedelta(minutes=1),
        )
    queued = schedule_due(run_settings)  # queue is immediate in tests: the run executes inline
    assert len(queued) == 1
    run = load_run(run_settings, queued[0])
    assert (run.source_id, run.trigger, run.state, run.created) == (due.id, "schedule", "done", 30)
    assert schedule_due(run_settings) == []  # next_run_at moved to tomorrow 06:00
    with Session(get_engine(run_settings), expire_on_commit=False) as s:
        source = s.get(Source, due.id)
        assert source is not None and source.next_run_at is not None
        assert source.next_run_at > utcnow() and (source.next_run_at.hour, source.next_run_at.minute) == (
            6,
            0,
        )


def test_runs_of_one_source_never_overlap(run_settings: Settings, workspace_id: str, exports: Path) -> None:
    from service.imports.tasks import lock_name, run_import

    with Session(get_engine(run_settings), expire_on_commit=False) as s:
        source = add_source(s, workspace_id, write_csv(exports / "locked.csv", 10))
        run = queue_run(s, source)
        assert import_runs.active_run(s, source.id) is not None
    with huey.lock_task(lock_name(run)):  # another run of this source holds the lock
        assert run_import.call_local(run.id, run_settings.database_url) == "queued"
        assert load_run(run_settings, run.id).state == "queued"
    assert run_import.call_local(run.id, run_settings.database_url) == "done"
    assert stored(run_settings, source.feedback_source) == 10


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing in the run code handles it."""


def test_interrupted_run_resumes_exactly_from_its_checkpoint(
    run_settings: Settings, workspace_id: str, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(get_engine(run_settings), expire_on_commit=False) as s:
        source = add_source(s, workspace_id, write_csv(exports / "big.csv", 250))
        run = queue_run(s, source)
    real_commit = import_runs._commit_chunk
    calls = {"n": 0}

    def dying_commit(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise Crash  # dies after two committed chunks, in the middle of the third
        real_commit(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(import_runs, "_commit_chunk", dying_commit)
    with pytest.raises(Crash):
        execute_run(run.id, run_settings)
    half = load_run(run_settings, run.id)
    assert (half.state, half.read, half.created) == ("running", 80, 80)
    assert half.checkpoint is not None and half.checkpoint["row"] == 80
    assert stored(run_settings, source.feedback_source) == 80

    monkeypatch.setattr(import_runs, "_commit_chunk", real_commit)
    assert execute_run(run.id, run_settings) == "done"
    done = load_run(run_settings, run.id)
    assert (done.read, done.created, done.duplicate, done.rejected) == (250, 250, 0, 0)
    assert stored(run_settings, source.feedback_source) == 250


def _worker_env(settings: Settings, exports: Path, queue_url: str) -> dict[str, str]:
    return worker_env(
        settings,
        queue_url,
        FRICTIONMAP_IMPORT_DIRS=json.dumps([str(exports)]),
        FRICTIONMAP_IMPORT_CHUNK_ROWS="40",
        FRICTIONMAP_IMPORT_CHUNK_PAUSE_S="0.2",
        FRICTIONMAP_IMPORT_STALE_AFTER_S="2",
        FRICTIONMAP_JOB_HEARTBEAT_S="0.5",
    )


@pytest.mark.slow
@pytest.mark.parametrize("queue", ["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def test_killed_worker_resumes_and_stores_every_row_once(
    run_settings: Settings, workspace_id: str, exports: Path, tmp_path: Path, queue: str
) -> None:
    queue_url = ""
    if queue == "redis":
        if not run_settings.is_sqlite:
            pytest.skip("the Redis variant runs once, on SQLite")
        redis = pytest.importorskip("redis")
        from huey import RedisHuey

        queue_url = os.environ.get("FRICTIONMAP_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
        try:
            redis.Redis.from_url(queue_url, socket_connect_timeout=2).ping()
        except redis.exceptions.ConnectionError as exc:
            if os.environ.get("FRICTIONMAP_REQUIRE_POSTGRES"):  # CI: services must be up
                pytest.fail(f"Redis unreachable at {queue_url}: {exc}")
            pytest.skip(f"Redis unreachable at {queue_url}")
        redis_huey = RedisHuey("frictionmap", url=queue_url)
        redis_huey.storage.flush_all()  # only this queue's keys: its queue, schedule, results and locks
    rows = 600
    with Session(get_engine(run_settings), expire_on_commit=False) as s:
        source = add_source(s, workspace_id, write_csv(exports / "killme.csv", rows))
        run = queue_run(s, source)
    env = _worker_env(run_settings, exports, queue_url)
    log = tmp_path / "worker.log"
    enqueue = "import sys; from service.imports.tasks import run_import; run_import(sys.argv[1], sys.argv[2])"
    enqueue_in_subprocess(env, enqueue, run.id, run_settings.database_url)

    worker = start_worker(env, log)
    try:
        wait_for(lambda: load_run(run_settings, run.id).read >= 120, timeout=90)
    finally:
        kill(worker)  # SIGKILL mid-file: no cleanup, the huey lock stays behind
    killed = load_run(run_settings, run.id)
    assert killed.state == "running" and 120 <= killed.read < rows, (killed.read, log.read_text()[-2000:])
    assert stored(run_settings, source.feedback_source) == killed.created == killed.read

    time.sleep(2.5)  # older than FRICTIONMAP_IMPORT_STALE_AFTER_S: the restarted worker takes it over
    worker = start_worker(env, log)
    try:
        wait_for(lambda: load_run(run_settings, run.id).state == "done", timeout=120)
    finally:
        kill(worker)
    done = load_run(run_settings, run.id)
    assert (done.read, done.created, done.duplicate, done.rejected) == (rows, rows, 0, 0), log.read_text()[
        -2000:
    ]
    assert stored(run_settings, source.feedback_source) == rows
    with Session(get_engine(run_settings), expire_on_commit=False) as s:
        ids = s.exec(
            select(FeedbackItem.external_id).where(FeedbackItem.source == source.feedback_source)
        ).all()
    assert sorted(int(i) for i in ids if i is not None) == list(range(1, rows + 1))  # each row exactly once
    assert "resumes at" in log.read_text()
    if queue == "redis":
        redis_huey.storage.flush_all()


def test_recovery_requeues_orphaned_runs_only(
    run_settings: Settings, workspace_id: str, exports: Path
) -> None:
    from service.imports.tasks import lock_name, recover_imports

    with Session(get_engine(run_settings), expire_on_commit=False) as s:
        source = add_source(s, workspace_id, write_csv(exports / "orphan.csv", 20))
        orphan = queue_run(s, source)
        orphan.state, orphan.heartbeat_at = "running", utcnow() - timedelta(hours=1)
        fresh_source = add_source(s, workspace_id, write_csv(exports / "fresh.csv", 5))
        fresh = queue_run(s, fresh_source)
        fresh.state, fresh.heartbeat_at = "running", utcnow()
        s.add_all([orphan, fresh])
        s.commit()
    huey.lock_task(lock_name(orphan)).acquire()  # left behind by the dead worker
    try:
        assert recover_imports(run_settings) == [orphan.id]  # queue is immediate: it runs to the end
    finally:
        huey.flush_locks(lock_name(orphan))
    assert (load_run(run_settings, orphan.id).state, load_run(run_settings, orphan.id).created) == (
        "done",
        20,
    )
    assert load_run(run_settings, fresh.id).state == "running"  # alive: left alone
