"""Issue 14 at 1M items: enqueueing 15,625 batch messages took a minute on a loaded machine, longer than
``analysis_stale_after_s``; with no beat meanwhile the recovery re-planned the job again and again."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from service.analysis import tasks
from service.analysis.extraction import AnalysisScope, _pending_ids
from service.analysis.jobs import plan_job
from service.models import FeedbackItem
from service.queue import beating, lost_after, use_settings
from tests.helpers.analysis_jobs import ingest_without_incremental, queued_analysis_job
from tests.service.analysis.test_fanout import Batched, _items, batched  # noqa: F401 (fixture)


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

    def slow_enqueue(batches: list[Any], chunk: int = 500) -> None:
        for _ in batches:
            time.sleep(0.3)  # each message slower than the stale window, as on the loaded machine at 1M items
            alive.append(beating(tasks._job_lock(job_id), lost_after(fast.analysis_stale_after_s, fast)))

    monkeypatch.setattr(tasks, "enqueue_all", slow_enqueue)
    tasks.run_analysis.call_local(job_id)
    assert len(alive) >= 2 and all(alive)
    assert tasks.recover_analysis(fast) == []  # not taken for orphaned right after the enqueue either


def test_batches_look_their_items_up_by_key_after_the_plan_on_sqlite(
    workspace_id: str,
    engine: Engine,
    batched: Batched,  # noqa: F811 (the fixture imported above)
) -> None:
    """Without statistics SQLite walked the whole workspace's items for each batch's pending check (0.34 CPU
    s a batch at 1M items); the plan refreshes them, and the check becomes 64 primary-key lookups."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner only")
    _backend, settings = batched
    now = datetime.now(UTC)
    rows = [
        {
            "id": f"item-{i:06d}",
            "workspace_id": workspace_id,
            "source": "api",
            "external_id": f"e{i}",
            "text": f"feedback {i}",
            "language": "en",
            "kind": "review",
            "created_at": now - timedelta(minutes=i),
            "received_at": now,
            "content_hash": f"{i:064d}",
        }
        for i in range(3000)  # enough rows for the planner's choice to matter
    ]
    with engine.begin() as conn:
        conn.execute(insert(FeedbackItem), rows)
    job_id = queued_analysis_job(engine, workspace_id)
    with Session(engine) as s:
        plan = plan_job(s, job_id, settings)
    assert plan is not None and plan.batches
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        statements.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with Session(engine) as s:
            pending = _pending_ids(s, workspace_id, AnalysisScope(), "m", None, among=plan.batches[0])
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert sorted(pending) == sorted(plan.batches[0])
    statement, params = statements[-1]
    with engine.connect() as conn:
        plan_rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
    outer = [row[3] for row in plan_rows if "feedback_item" in row[3]]
    assert outer and "(id=?)" in outer[0], plan_rows
