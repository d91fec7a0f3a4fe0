"""The batched insert: one statement per chunk, per-item results and ids as with row-by-row inserts
(SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from service.feedback import ingest, insert_pg
from service.models import FeedbackItem, Workspace


def _count_inserts(engine: Engine) -> list[str]:
    statements: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO FEEDBACK"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    return statements


def test_mixed_batch_results_and_ids(engine: Engine, session: Session, workspace_id: str) -> None:
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None
    first = ingest.ingest_items(
        session, workspace, [{"source": "app", "external_id": "a1", "text": "Livraison en retard"}]
    )
    assert first[0].status == "created"
    statements = _count_inserts(engine)
    batch = [
        {"source": "app", "external_id": "a1", "text": "edited text is not stored"},  # stored earlier
        {"source": "app", "external_id": "a2", "text": "Carte bloquée"},
        {"text": "no id, same content"},
        {"source": "app", "external_id": "a2", "text": "Carte bloquée again"},  # duplicate inside the batch
        {"text": "no id, same content"},  # content duplicate inside the batch
        {"text": ""},  # rejected
        {"source": "other", "external_id": "a1", "text": "same id, other source"},
    ]
    results = ingest.ingest_items(session, workspace, batch)
    assert [r.index for r in results] == list(range(len(batch)))
    assert [r.status for r in results] == [
        "duplicate",
        "created",
        "created",
        "duplicate",
        "duplicate",
        "rejected",
        "created",
    ]
    assert results[0].id == first[0].id
    assert results[3].id == results[1].id and results[4].id == results[2].id
    assert len({r.id for r in results if r.status == "created"}) == 3
    assert len(statements) == 1  # one INSERT for the whole batch
    stored = session.exec(select(FeedbackItem).where(FeedbackItem.external_id == "a2")).one()
    assert stored.text == "Carte bloquée"  # first occurrence wins
    assert session.exec(select(func.count()).select_from(FeedbackItem)).one() == 4


def test_batch_larger_than_a_chunk(
    engine: Engine, session: Session, workspace_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "INSERT_CHUNK_ROWS", 7)  # SQLite's multi-row VALUES
    monkeypatch.setattr(insert_pg, "CHUNK_ROWS", 7)  # PostgreSQL's column arrays
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None
    items = [{"source": "s", "external_id": f"x{i}", "text": f"Problème numéro {i}"} for i in range(30)]
    statements = _count_inserts(engine)
    results = ingest.ingest_items(session, workspace, items)
    assert [r.status for r in results] == ["created"] * 30
    assert len(statements) == 5  # ceil(30 / 7)
    again = ingest.ingest_items(session, workspace, items[::-1])
    assert [r.status for r in again] == ["duplicate"] * 30
    assert [r.id for r in again] == [r.id for r in results][::-1]
