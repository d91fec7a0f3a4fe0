"""``service.queue.enqueue_all`` writes what ``huey.enqueue`` writes, many tasks a SqliteHuey transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from huey import SqliteHuey

import service.queue as queue


def _queue(tmp_path: Path, name: str, immediate: bool = False) -> tuple[SqliteHuey, Any]:
    h = SqliteHuey("bulk-test", filename=str(tmp_path / f"{name}.db"), immediate=immediate, utc=True)

    @h.task(priority=7)
    def add(a: int, b: int) -> int:
        return a + b

    return h, add


def _drained(h: SqliteHuey) -> list[tuple[str, tuple[Any, ...], int]]:
    out = []
    while (task := h.dequeue()) is not None:
        out.append((task.name, task.args, task.priority))
    return out


def test_bulk_rows_dequeue_as_the_one_by_one_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one, add_one = _queue(tmp_path, "one")
    for i in range(1203):
        add_one(i, i)
    bulk, add_bulk = _queue(tmp_path, "bulk")
    monkeypatch.setattr(queue, "huey", bulk)
    statements: list[str] = []
    bulk.storage.conn.set_trace_callback(statements.append)
    queue.enqueue_all([add_bulk.s(i, i) for i in range(1203)], chunk=500)
    assert sum(s.lower().startswith("begin exclusive") for s in statements) == 3  # 500 + 500 + 203
    assert bulk.storage.queue_size() == 1203
    assert _drained(bulk) == _drained(one)


def test_the_bulk_rows_run_as_tasks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bulk, add = _queue(tmp_path, "run")
    monkeypatch.setattr(queue, "huey", bulk)
    queue.enqueue_all([add.s(2, 3)])
    task = bulk.dequeue()
    assert task is not None and bulk.execute(task) == 5


def test_immediate_mode_runs_each_task_inline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inline, _add = _queue(tmp_path, "inline", immediate=True)
    monkeypatch.setattr(queue, "huey", inline)
    seen: list[int] = []

    @inline.task()
    def record(x: int) -> None:
        seen.append(x)

    queue.enqueue_all([record.s(i) for i in range(3)])
    assert seen == [0, 1, 2]
