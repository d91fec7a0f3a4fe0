"""The same batch posted from several threads at once stores each item exactly once (SQLite and
PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from service.models import FeedbackItem

THREADS = 6


def test_same_batch_from_threads_is_stored_once(
    client: TestClient, auth_headers: dict[str, str], session: Session
) -> None:
    items = [
        {"source": "trustpilot", "external_id": f"c{i}", "text": f"Remboursement numéro {i} jamais reçu."}
        for i in range(20)
    ]
    # items without external id are deduplicated on their content hash, also under concurrency
    items += [{"text": f"Card declined at checkout, attempt {i}."} for i in range(10)]
    barrier = threading.Barrier(THREADS)
    responses: list[Any] = [None] * THREADS
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            responses[n] = client.post("/v1/feedback", json={"items": items}, headers=auth_headers)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    bodies = [r.json() for r in responses]
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    assert sum(b["created"] for b in bodies) == len(items)
    assert all(b["rejected"] == 0 for b in bodies)
    for index in range(len(items)):
        ids = {b["results"][index]["id"] for b in bodies}
        assert len(ids) == 1 and None not in ids
    stored = session.exec(select(func.count()).select_from(FeedbackItem)).one()
    assert stored == len(items)


def test_same_items_in_opposite_orders_do_not_deadlock(
    client: TestClient, auth_headers: dict[str, str], session: Session
) -> None:
    items = [{"source": "google", "external_id": f"g{i}", "text": f"Appli qui plante {i}"} for i in range(40)]
    orders = [items, list(reversed(items))] * (THREADS // 2)
    barrier = threading.Barrier(len(orders))
    statuses: list[int] = []

    def worker(batch: list[dict[str, str]]) -> None:
        barrier.wait(timeout=30)
        statuses.append(client.post("/v1/feedback", json={"items": batch}, headers=auth_headers).status_code)

    threads = [threading.Thread(target=worker, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert statuses == [200] * len(orders)
    assert session.exec(select(func.count()).select_from(FeedbackItem)).one() == len(items)
