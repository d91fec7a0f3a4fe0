"""Issue 14: an analysis fans out into extraction batches that any worker takes, counted once each on the
job, with re-clustering started by exactly one batch — the one that completes the plan."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, select

from service.analysis import backend_factory as backend_mod
from service.analysis.extraction import as_record
from service.analysis.jobs import finish_job, plan_job, run_batch
from service.models import FeedbackItem, Job, OpinionUnit
from service.queue import use_settings
from service.settings import Settings
from tests.helpers.analysis_jobs import ingest_without_incremental, queued_analysis_job
from tests.helpers.imports import wait_for
from tests.helpers.journey_backend import TopicBackend
from tests.helpers.worker import enqueue_in_subprocess, kill, start_worker, worker_env
from tests.service.journey_map.test_journey_api import seed_items

Batched = tuple[TopicBackend, Settings]


@pytest.fixture
def batched(settings: Settings) -> Iterator[Batched]:
    """The deterministic backend and settings planning batches of 20 items, both reset afterwards."""
    backend = TopicBackend()
    backend_mod.set_backend_factory(lambda _s: backend)
    batched_settings = settings.model_copy(update={"analysis_batch_items": 20})
    use_settings(batched_settings)
    yield backend, batched_settings
    backend_mod.set_backend_factory(None)
    use_settings(None)


def _items(copies: int) -> list[dict[str, Any]]:
    return [
        {**item, "external_id": f"{item['external_id']}-{copy}"}
        for copy in range(copies)
        for item in seed_items()
    ]


def _spans(engine: Engine, workspace_id: str) -> list[tuple[str, int, int]]:
    with Session(engine) as s:
        units = s.exec(select(OpinionUnit).where(OpinionUnit.workspace_id == workspace_id)).all()
        return sorted((u.feedback_id, u.start, u.end) for u in units)


def _expected_spans(engine: Engine, workspace_id: str) -> list[tuple[str, int, int]]:
    with Session(engine) as s:
        items = s.exec(select(FeedbackItem).where(FeedbackItem.workspace_id == workspace_id)).all()
        records = [as_record(i) for i in items]
    return sorted((u.feedback_id, u.start, u.end) for u in TopicBackend().extract(records))


def _job(engine: Engine, job_id: str) -> Job:
    with Session(engine) as s:
        job = s.get(Job, job_id)
        assert job is not None
        return job


def test_batches_count_once_and_one_of_them_starts_clustering(
    client: TestClient, auth_headers: dict[str, str], workspace_id: str, engine: Engine, batched: Batched
) -> None:
    backend, settings = batched
    ingest_without_incremental(client, auth_headers, seed_items())
    job_id = queued_analysis_job(engine, workspace_id)
    with Session(engine) as s:
        plan = plan_job(s, job_id, settings)
    assert plan is not None and len(plan.batches) == -(-len(seed_items()) // 20)
    assert sorted(i for b in plan.batches for i in b) == sorted(
        r.id for r in _all_items(engine, workspace_id)
    )
    # batch 0 runs twice (a retry after a lost acknowledgement): its units are stored and counted once
    with Session(engine) as s:
        assert run_batch(s, job_id, plan.plan_id, 0, plan.batches[0], settings, "w1") is False
    units_after_first = _spans(engine, workspace_id)
    calls = len(backend.calls)
    with Session(engine) as s:
        assert run_batch(s, job_id, plan.plan_id, 0, plan.batches[0], settings, "w2") is False
    assert _spans(engine, workspace_id) == units_after_first and len(backend.calls) == calls
    fanout = _job(engine, job_id).result["fanout"]  # type: ignore[index]
    assert fanout["done_ranges"] == [[0, 1]] and fanout["done_count"] == 1 and fanout["workers"] == {"w1": 1}
    # a batch of a replaced plan (a recovery planned again) does nothing
    with Session(engine) as s:
        assert run_batch(s, job_id, "another-plan", 1, plan.batches[1], settings, "w1") is False
    assert _job(engine, job_id).result["fanout"]["done_ranges"] == [[0, 1]]  # type: ignore[index]
    lasts = []
    for index in range(1, len(plan.batches)):
        with Session(engine) as s:
            lasts.append(run_batch(s, job_id, plan.plan_id, index, plan.batches[index], settings, "w2"))
        progress = _job(engine, job_id).progress
        assert progress == pytest.approx(0.05 + 0.65 * (index + 1) / len(plan.batches), abs=1e-3)
    assert lasts == [False] * (len(plan.batches) - 2) + [True]  # exactly the completing batch
    with Session(engine) as s:  # a duplicate of the last batch does not start clustering again
        assert (
            run_batch(s, job_id, plan.plan_id, len(plan.batches) - 1, plan.batches[-1], settings, "w1")
            is False
        )
    assert _spans(engine, workspace_id) == _expected_spans(engine, workspace_id)
    with Session(engine) as s:
        assert finish_job(s, job_id, "another-plan", settings) == []  # not this plan's
        finish_job(s, job_id, plan.plan_id, settings)
    job = _job(engine, job_id)
    assert job.state == "done" and job.progress == 1.0 and job.attempts == 1
    assert job.result is not None and job.result["units"] == len(_expected_spans(engine, workspace_id))
    assert job.result["fanout"]["units"] == job.result["units"]


def test_a_job_planned_with_the_old_done_list_carries_on(
    client: TestClient, auth_headers: dict[str, str], workspace_id: str, engine: Engine, batched: Batched
) -> None:
    """A job planned by the version that kept ``done`` as a list of indices, still in flight when the
    workers are upgraded: its done batches still count once, and its list is replaced by ranges."""
    _, settings = batched
    ingest_without_incremental(client, auth_headers, seed_items())
    job_id = queued_analysis_job(engine, workspace_id)
    with Session(engine) as s:
        plan = plan_job(s, job_id, settings)
    assert plan is not None and len(plan.batches) >= 3
    with Session(engine) as s:
        assert run_batch(s, job_id, plan.plan_id, 0, plan.batches[0], settings, "w1") is False
        job = s.get(Job, job_id)
        assert job is not None and job.result is not None
        old = {k: v for k, v in job.result["fanout"].items() if k not in ("done_ranges", "done_count")}
        job.result = {**job.result, "fanout": {**old, "done": [0]}}
        s.add(job)
        s.commit()
    with Session(engine) as s:  # batch 0 again: already done under the old layout
        assert run_batch(s, job_id, plan.plan_id, 0, plan.batches[0], settings, "w2") is False
    assert _job(engine, job_id).result["fanout"]["done"] == [0]  # type: ignore[index]  # untouched
    with Session(engine) as s:
        assert run_batch(s, job_id, plan.plan_id, 1, plan.batches[1], settings, "w2") is False
    fanout = _job(engine, job_id).result["fanout"]  # type: ignore[index]
    assert "done" not in fanout and fanout["done_ranges"] == [[0, 2]] and fanout["done_count"] == 2
    lasts = []
    for index in range(2, len(plan.batches)):
        with Session(engine) as s:
            lasts.append(run_batch(s, job_id, plan.plan_id, index, plan.batches[index], settings, "w1"))
    assert lasts[-1] is True and not any(lasts[:-1])


def _all_items(engine: Engine, workspace_id: str) -> list[FeedbackItem]:
    with Session(engine) as s:
        return list(s.exec(select(FeedbackItem).where(FeedbackItem.workspace_id == workspace_id)).all())


def test_resumed_job_plans_only_what_is_left(
    client: TestClient, auth_headers: dict[str, str], workspace_id: str, engine: Engine, batched: Batched
) -> None:
    settings = batched[1]
    ingest_without_incremental(client, auth_headers, seed_items())
    job_id = queued_analysis_job(engine, workspace_id)
    with Session(engine) as s:
        first = plan_job(s, job_id, settings)
        assert first is not None
        run_batch(s, job_id, first.plan_id, 0, first.batches[0], settings, "w1")
    with Session(engine) as s:  # the worker died: recovery plans again
        second = plan_job(s, job_id, settings)
    assert second is not None and second.plan_id != first.plan_id
    assert sorted(i for b in second.batches for i in b) == sorted(i for b in first.batches[1:] for i in b)
    assert _job(engine, job_id).attempts == 2


def _queue_for(db_url: str, settings: Settings) -> str:
    """PostgreSQL tests share Redis like two machines would; SQLite ones the embedded SqliteHuey file."""
    if make_url(db_url).get_backend_name() == "sqlite":
        return ""
    import redis

    url = os.environ.get("FRICTIONMAP_TEST_REDIS_URL", "")
    if not url:
        pytest.skip("FRICTIONMAP_TEST_REDIS_URL not set")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis unreachable at {url}")
    return url


def test_two_workers_share_the_batches(
    client: TestClient,
    auth_headers: dict[str, str],
    workspace_id: str,
    engine: Engine,
    settings: Settings,
    db_url: str,
) -> None:
    """Two real worker processes on one queue (SqliteHuey, or Redis with PostgreSQL): both take batches,
    every item's units are stored once, and the job finishes with its pain points."""
    ingest_without_incremental(client, auth_headers, _items(2))  # 128 items: 8 batches of 16
    job_id = queued_analysis_job(engine, workspace_id)
    env = worker_env(
        settings,
        _queue_for(db_url, settings),
        FRICTIONMAP_ANALYSIS_BATCH_ITEMS="16",
        FRICTIONMAP_ANALYSIS_BATCH_PAUSE_S="0.4",  # each batch holds its worker long enough for the other
        FRICTIONMAP_WORKER_THREADS="1",
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    logs = [settings.data_dir / f"worker{n}.log" for n in (1, 2)]
    workers = [start_worker(env, log, module="tests.helpers.analysis_worker") for log in logs]
    try:
        time.sleep(1.0)  # both consumers are polling before the batches arrive
        enqueue_in_subprocess(
            env,
            "import sys; from service.analysis.tasks import run_analysis; run_analysis(sys.argv[1])",
            job_id,
        )
        wait_for(lambda: _job(engine, job_id).state in ("done", "failed"), timeout=120, every=0.2)
    finally:
        for worker in workers:
            kill(worker)
    job = _job(engine, job_id)
    tail = "\n".join(log.read_text()[-1500:] for log in logs)
    assert job.state == "done" and job.error is None, tail
    fanout = job.result["fanout"]  # type: ignore[index]
    assert fanout["done_ranges"] == [[0, 8]] and fanout["done_count"] == fanout["batches"] == 8
    assert len(fanout["workers"]) == 2 and all(n >= 1 for n in fanout["workers"].values()), fanout
    assert sum(fanout["workers"].values()) == 8
    expected = _expected_spans(engine, workspace_id)
    assert _spans(engine, workspace_id) == expected  # nothing lost, nothing stored twice
    assert (
        job.result is not None and job.result["units"] == len(expected) and job.result["pain_points_created"]
    )
