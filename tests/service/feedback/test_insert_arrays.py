"""Ingest's statements on both dialects: PostgreSQL's column-array insert (``insert_pg``) and look-ups by
``= ANY(array)``, SQLite's multi-row VALUES; duplicates inside a batch and across batches, idempotency,
and stored values the same as the ORM would store them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from service.erasures.service import ErasureTarget, erase
from service.feedback import ingest
from service.models import FeedbackItem, Workspace
from service.settings import Settings


def _statements(engine: Engine) -> list[str]:
    seen: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", before)
    return seen


def _workspace(session: Session, workspace_id: str) -> Workspace:
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None
    return workspace


def test_duplicates_inside_one_batch_first_occurrence_wins(session: Session, workspace_id: str) -> None:
    batch = [
        {"source": "s", "external_id": "k1", "text": "Premier envoi"},
        {"text": "Sans identifiant"},
        {"source": "s", "external_id": "k1", "text": "Second envoi, même clé"},
        {"text": "Sans identifiant"},
        {"source": "t", "external_id": "k1", "text": "Autre source, même identifiant"},
    ]
    results = ingest.ingest_items(session, _workspace(session, workspace_id), batch)
    assert [r.status for r in results] == ["created", "created", "duplicate", "duplicate", "created"]
    assert results[2].id == results[0].id and results[3].id == results[1].id
    stored = session.exec(select(FeedbackItem).where(FeedbackItem.external_id == "k1")).all()
    assert sorted((f.source, f.text) for f in stored) == [
        ("s", "Premier envoi"),
        ("t", "Autre source, même identifiant"),
    ]


def test_duplicates_across_batches_and_idempotent_resend(session: Session, workspace_id: str) -> None:
    workspace = _workspace(session, workspace_id)
    first = [{"source": "s", "external_id": f"e{i}", "text": f"Texte {i}"} for i in range(20)]
    first += [{"text": f"Sans id {i}"} for i in range(5)]
    created = ingest.ingest_items(session, workspace, first)
    assert [r.status for r in created] == ["created"] * 25
    # a second batch overlapping the first (in another order) plus new items
    second = [*first[10:][::-1], {"source": "s", "external_id": "new", "text": "Nouveau"}]
    again = ingest.ingest_items(session, workspace, second)
    assert [r.status for r in again] == ["duplicate"] * 15 + ["created"]
    assert [r.id for r in again[:15]] == [r.id for r in created[10:]][::-1]
    # the same batch twice: nothing new, the same ids
    resend = ingest.ingest_items(session, workspace, first)
    assert [r.status for r in resend] == ["duplicate"] * 25
    assert [r.id for r in resend] == [r.id for r in created]
    count = session.exec(select(func.count()).select_from(FeedbackItem)).one()
    assert count == 26


def test_stored_values_match_the_submitted_ones(session: Session, workspace_id: str) -> None:
    written = datetime.fromisoformat("2025-03-01T10:30:00+02:00")
    batch = [
        {
            "source": "s",
            "external_id": "v1",
            "text": "Écrivez à jean@example.com",
            "rating": 4,  # an int next to floats below
            "csat": 4.5,
            "nps": 9,
            "channel": "web",
            "segment": "retail",
            "customer_ref": "cust-1",
            "created_at": written.isoformat(),
            "metadata": {"order": "A-1", "tags": ["x", "é"], "note": "mail bob@example.com"},
        },
        {"source": "s", "external_id": "v2", "text": "Sans métadonnées", "rating": 2.5},
    ]
    results = ingest.ingest_items(session, _workspace(session, workspace_id), batch)
    assert [r.status for r in results] == ["created", "created"]
    one = session.get(FeedbackItem, results[0].id)
    two = session.get(FeedbackItem, results[1].id)
    assert one is not None and two is not None
    assert one.text == "Écrivez à <EMAIL>" and one.rating == 4.0 and one.csat == 4.5 and one.nps == 9
    assert one.meta == {"order": "A-1", "tags": ["x", "é"], "note": "mail <EMAIL>"}
    assert one.redactions == {"EMAIL": 2}
    assert one.created_at == written.astimezone(UTC) and one.customer_hash
    assert two.meta is None and two.redactions is None and two.nps is None and two.created_at.tzinfo
    # None is SQL NULL (JSONType(none_as_null=True)), not a JSON null
    nulls = session.exec(
        text("SELECT count(*) FROM feedback_item WHERE metadata IS NULL AND redactions IS NULL")  # type: ignore[call-overload]
    ).one()
    assert nulls[0] == 1


def test_one_statement_of_arrays_on_postgres(engine: Engine, session: Session, workspace_id: str) -> None:
    workspace = _workspace(session, workspace_id)
    items = [{"source": "s", "external_id": f"a{i}", "text": f"Colis {i} en retard"} for i in range(600)]
    items += [{"text": f"Sans identifiant {i}"} for i in range(3)]
    seen = _statements(engine)
    ingest.ingest_items(session, workspace, items)
    again = ingest.ingest_items(session, workspace, items)
    assert all(r.status == "duplicate" for r in again)
    inserts = [s for s in seen if s.upper().startswith("INSERT INTO FEEDBACK_ITEM")]
    lookups = [s for s in seen if "FROM feedback_item" in s and s.startswith("SELECT")]
    tombstone_checks = [s for s in seen if "FROM erasure_tombstone" in s]
    if engine.dialect.name == "postgresql":
        assert len(inserts) == 2 and all("unnest(" in s for s in inserts)  # one per call, 603 rows each
        assert len(lookups) == 2 and "unnest(" in lookups[0] and "ANY(" in lookups[1]
        assert len(tombstone_checks) == 2 and all("ANY" in s and " IN " not in s for s in tombstone_checks)
    else:
        assert len(inserts) == 4 and not any("unnest" in s for s in inserts)  # 500-row chunks
        assert all(" IN " in s for s in tombstone_checks)


def test_erased_items_are_refused_through_the_array_check(
    session: Session, workspace_id: str, settings: Settings
) -> None:
    workspace = _workspace(session, workspace_id)
    items = [{"source": "s", "external_id": f"z{i}", "text": f"Message {i}"} for i in range(700)]
    assert all(r.status == "created" for r in ingest.ingest_items(session, workspace, items))
    erase(session, workspace_id, ErasureTarget(source="s", external_id="z650"), settings)
    erase(session, workspace_id, ErasureTarget(source="s", external_id="z3"), settings)
    results = ingest.ingest_items(session, workspace, items)
    rejected = [r.index for r in results if r.status == "rejected"]
    assert rejected == [3, 650]
    assert results[3].errors[0].rule == "erased"
    assert sum(r.status == "duplicate" for r in results) == 698
