"""Issue 14 at 1M items: enqueueing 15,625 batch messages took a minute on a loaded machine, longer than
``analysis_stale_after_s``; with no beat meanwhile the recovery re-planned the job again and again."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service.analysis import tasks
from service.queue import beating, lost_after, use_settings
from tests.service.analysis.test_fanout import Batched, _items, batched  # noqa: F401 (fixture)
from tests.service.webhooks.test_webhooks_jobs import ingest_without_incremental, queued_analysis_job


def test_the_job_beats_while_its_batches_are_enqueued(
    client: TestClient,
    auth_headers: dict[str, str],
    workspace_id: str,
    engine: Engine,
    batched: Batched,  # noqa: F811 (the fixture imported above)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _backend, settings = batched
    fast = settings.model_copy(update={"job_heartbeat_s": 0.05, "analysis_stale_after_s": 0.2})
    use_settings(fast)
    ingest_without_incremental(client, auth_headers, _items(3))
    job_id = queued_analysis_job(engine, workspace_id)
    alive: list[bool] = []

    def slow_enqueue(job: str, plan_id: str, index: int, ids: list[str]) -> None:
        time.sleep(0.3)  # each message slower than the stale window, as on the loaded machine at 1M items
        alive.append(beating(tasks._job_lock(job), lost_after(fast.analysis_stale_after_s, fast)))

    monkeypatch.setattr(tasks, "extract_analysis_batch", slow_enqueue)
    tasks.run_analysis.call_local(job_id)
    assert len(alive) >= 2 and all(alive)
    assert tasks.recover_analysis(fast) == []  # not taken for orphaned right after the enqueue either
