"""Queue fairness and recovery (issue 13 item 5): post-ingest work never goes ahead of analyses, imports and
webhooks; its score refresh is debounced; a job beats while it runs and counts as lost only when it stops."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from huey import Huey
from huey.api import Task
from sqlalchemy.engine import Engine
from sqlmodel import Session

from service.analysis import tasks as analysis_tasks
from service.analysis.jobs import stale_jobs
from service.imports.tasks import run_import
from service.models import Job
from service.models.types import utcnow
from service.queue import beating, build_huey, heartbeat, huey, last_beat, lost_after, use_settings
from service.settings import Settings
from service.webhooks.tasks import deliver_webhook


def _drain_names(q: Huey) -> list[str]:
    names = []
    while (data := q.storage.dequeue()) is not None:
        names.append(huey.serializer.deserialize(data).name)
    return names


def _burst_then_urgent(q: Huey) -> list[str]:
    def enqueue(task: Task) -> None:  # what huey.enqueue does, into the test's queue
        q.storage.enqueue(huey.serialize_task(task), task.priority)

    for n in range(50):  # a burst of ingest batches
        enqueue(analysis_tasks.assign_new_feedback.s("ws", [f"f{n}"]))
    enqueue(analysis_tasks.refresh_workspace_scores.s("ws"))
    enqueue(analysis_tasks.run_analysis.s("job"))
    enqueue(run_import.s("run"))
    enqueue(deliver_webhook.s("delivery"))
    return _drain_names(q)


def _check_order(names: list[str]) -> None:
    assert len(names) == 54
    urgent = [n.rsplit(".", 1)[-1] for n in names[:3]]
    assert urgent == ["deliver_webhook", "run_analysis", "run_import"]
    assert all(n.endswith(("assign_new_feedback", "refresh_workspace_scores")) for n in names[3:])
    assert names[3].endswith("assign_new_feedback")  # FIFO within one priority


def test_sqlite_queue_serves_urgent_work_before_a_burst(tmp_path: Path) -> None:
    q = build_huey(Settings(data_dir=tmp_path, queue_url="", queue_immediate=False))
    _check_order(_burst_then_urgent(q))


@pytest.mark.redis
def test_redis_queue_serves_urgent_work_before_a_burst() -> None:
    import redis

    url = os.environ.get("FRICTIONMAP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis unreachable at {url}")
    q = build_huey(Settings(queue_url=url, queue_immediate=False), name=f"fm-test-{uuid.uuid4().hex[:8]}")
    try:
        _check_order(_burst_then_urgent(q))
    finally:
        q.storage.flush_all()


def test_one_post_ingest_task_per_batch(
    client: object, auth_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(analysis_tasks, "assign_new_feedback", lambda _ws, ids: calls.append(len(ids)))
    items = [{"source": "app", "external_id": f"b{i}", "text": f"Paiement refusé {i}"} for i in range(120)]
    r = client.post("/v1/feedback", json={"items": items}, headers=auth_headers)  # type: ignore[attr-defined]
    assert r.status_code == 200
    assert calls == [120]


def test_score_refresh_is_debounced(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    monkeypatch.setattr(analysis_tasks, "refresh_scores", lambda _s, ws: ran.append(ws.id) or [])
    debounced = settings.model_copy(update={"scores_refresh_delay_s": 30.0})
    huey.storage.flush_schedule()
    use_settings(settings)
    try:
        for _ in range(5):  # five ingest batches inside the window: one refresh scheduled
            analysis_tasks.schedule_scores_refresh("ws-1", debounced, inline=False)
        scheduled = [t for t in huey.scheduled() if t.name.endswith("refresh_workspace_scores")]
        assert len(scheduled) == 1 and scheduled[0].args == ("ws-1",)
        assert scheduled[0].eta is not None
        analysis_tasks.refresh_workspace_scores.call_local("ws-1")  # the refresh runs, clears the due mark
        analysis_tasks.schedule_scores_refresh("ws-1", debounced, inline=False)
        assert len(huey.scheduled()) == 2
        # a zero delay refreshes in the post-ingest task itself (and a missing workspace is no error)
        analysis_tasks.schedule_scores_refresh(
            "ws-2", settings.model_copy(update={"scores_refresh_delay_s": 0.0})
        )
        assert len(huey.scheduled()) == 2
    finally:
        use_settings(None)
        huey.storage.flush_schedule()
        huey.delete("scores-refresh-due:ws-1")


def test_heartbeat_beats_while_the_block_runs() -> None:
    name = f"test-{uuid.uuid4().hex[:8]}"
    assert last_beat(name) is None and not beating(name, 10)
    with heartbeat(name, interval_s=0.05):
        first = last_beat(name)
        assert first is not None and beating(name, 10)
        time.sleep(0.2)
        later = last_beat(name)
        assert later is not None and later > first
    assert last_beat(name) is None  # finished work does not beat


def test_lost_after_never_under_two_beats() -> None:
    s = Settings(job_heartbeat_s=10.0)
    assert lost_after(30.0, s) == 30.0 and lost_after(5.0, s) == 20.0
    defaults = Settings()
    assert lost_after(defaults.analysis_stale_after_s, defaults) + 20 <= 60  # recovery within a minute
    assert lost_after(defaults.import_stale_after_s, defaults) + 20 <= 60


def test_stale_jobs_trust_heartbeats_over_checkpoints(engine: Engine, workspace_id: str) -> None:
    old = (utcnow() - timedelta(minutes=2)).isoformat()
    with Session(engine) as s:
        running_alive = Job(
            workspace_id=workspace_id, kind="analysis", state="running", result={"heartbeat": old}
        )
        running_dead = Job(
            workspace_id=workspace_id, kind="analysis", state="running", result={"heartbeat": old}
        )
        queued_waiting = Job(
            workspace_id=workspace_id,
            kind="analysis",
            state="queued",
            created_at=utcnow() - timedelta(minutes=2),
        )
        queued_lost = Job(
            workspace_id=workspace_id,
            kind="analysis",
            state="queued",
            created_at=utcnow() - timedelta(hours=1),
        )
        s.add_all([running_alive, running_dead, queued_waiting, queued_lost])
        s.commit()
        alive = {running_alive.id}
        found = stale_jobs(s, 30.0, 900.0, alive=lambda job_id: job_id in alive)
        assert {j.id for j in found} == {running_dead.id, queued_lost.id}


def test_a_locked_job_is_not_run_twice(engine: Engine, workspace_id: str, settings: Settings) -> None:
    with Session(engine) as s:
        job = Job(workspace_id=workspace_id, kind="analysis", state="running")
        s.add(job)
        s.commit()
        job_id = job.id
    use_settings(settings)
    try:
        with huey.lock_task(f"analysis-{job_id}"):  # another worker holds it
            analysis_tasks.run_analysis.call_local(job_id)
    finally:
        use_settings(None)
    with Session(engine) as s:
        after = s.get(Job, job_id)
        assert after is not None and after.attempts == 0 and after.state == "running"
