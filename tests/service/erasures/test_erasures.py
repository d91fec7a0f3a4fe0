"""Erasure by customer and by (source, external id): what goes, what stays, and that it never comes back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, select

from service.db import _set_sqlite_pragmas
from service.feedback.ingest import ingest_items
from service.models import ErasureTombstone, FeedbackItem, OpinionUnit, PainPoint, Workspace
from service.settings import Settings

# The customer reference: with a space, so it can never occur by chance inside a UUID, a timestamp or a
# base64 cursor of a response that must not echo it (a "c-1" did, in "…eb1c-113d…"), and ASCII, so an echo
# would read the same in JSON.
REF = "client zq 7"


def _post(client: TestClient, headers: dict[str, str], items: list[dict[str, object]]) -> dict[str, object]:
    r = client.post("/v1/feedback", json={"items": items}, headers=headers)
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def _seed(client: TestClient, headers: dict[str, str]) -> list[str]:
    items = [
        {
            "text": "Colis perdu, remboursement refusé.",
            "external_id": "z1",
            "source": "zendesk",
            "customer_ref": REF,
        },
        {
            "text": "Toujours pas de remboursement.",
            "external_id": "z2",
            "source": "zendesk",
            "customer_ref": REF,
        },
        {
            "text": "Application lente au paiement.",
            "external_id": "t1",
            "source": "trustpilot",
            "customer_ref": "c-2",
        },
        {"text": "Sans identifiant ni client : livraison en retard."},
    ]
    body = _post(client, headers, items)
    return [r["id"] for r in body["results"]]  # type: ignore[index, union-attr]


def _with_units_and_quotes(session: Session, workspace_id: str, ids: list[str]) -> str:
    point = PainPoint(
        workspace_id=workspace_id,
        label="refunds",
        size=len(ids),
        quotes=[{"unit_id": f"u{i}", "feedback_id": fid, "text": "q"} for i, fid in enumerate(ids)],
    )
    session.add(point)
    session.flush()
    for fid in ids:
        session.add(
            OpinionUnit(
                workspace_id=workspace_id,
                feedback_id=fid,
                start=0,
                end=5,
                text="Colis",
                pain_point_id=point.id,
                embedding=b"\x00\x00\x80?" * 4,
            )
        )
    session.commit()
    return point.id


def test_erase_by_customer_removes_items_units_quotes_and_recounts(
    client: TestClient, auth_headers: dict[str, str], workspace_id: str, session: Session
) -> None:
    ids = _seed(client, auth_headers)
    point_id = _with_units_and_quotes(session, workspace_id, ids)

    r = client.post("/v1/erasures", json={"customer_ref": REF}, headers=auth_headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["scope"] == "customer"
    assert body["counts"] == {"items": 2, "units": 2, "quotes": 2, "pain_points": 1}
    assert REF not in r.text

    session.expire_all()
    left = {i.id for i in session.exec(select(FeedbackItem)).all()}
    assert left == set(ids[2:])
    assert {u.feedback_id for u in session.exec(select(OpinionUnit)).all()} == set(ids[2:])
    point = session.get(PainPoint, point_id)
    assert point is not None and point.size == 2
    assert [q["feedback_id"] for q in point.quotes or []] == ids[2:]
    mentions = client.get(f"/v1/pain-points/{point_id}/feedback", headers=auth_headers)
    if mentions.status_code == 200:
        assert not ({ids[0], ids[1]} & {m["id"] for m in mentions.json()["items"]})


def test_erase_by_source_and_external_id(
    client: TestClient, auth_headers: dict[str, str], session: Session
) -> None:
    ids = _seed(client, auth_headers)
    r = client.post("/v1/erasures", json={"source": "zendesk", "external_id": "z2"}, headers=auth_headers)
    assert r.status_code == 201, r.text
    assert r.json()["scope"] == "item" and r.json()["counts"]["items"] == 1
    session.expire_all()
    assert session.get(FeedbackItem, ids[1]) is None and session.get(FeedbackItem, ids[0]) is not None


def test_resend_and_reimport_are_rejected_as_erased(
    client: TestClient, auth_headers: dict[str, str], workspace_id: str, session: Session, settings: Settings
) -> None:
    _seed(client, auth_headers)
    client.post("/v1/erasures", json={"customer_ref": REF}, headers=auth_headers)
    client.post("/v1/erasures", json={"source": "trustpilot", "external_id": "t1"}, headers=auth_headers)
    client.post("/v1/erasures", json={"source": "typeform", "external_id": "not-yet"}, headers=auth_headers)

    again = [
        {
            "text": "Colis perdu, remboursement refusé.",
            "external_id": "z1",
            "source": "zendesk",
            "customer_ref": REF,
        },
        {"text": "Un autre message du même client.", "customer_ref": REF},  # new item, erased customer
        {"text": "Même id, texte corrigé.", "external_id": "t1", "source": "trustpilot"},
        {"text": "Arrivé après la demande.", "external_id": "not-yet", "source": "typeform"},
        {
            "text": "Un autre client, rien à voir.",
            "external_id": "t1",
            "source": "google",
            "customer_ref": "c-3",
        },
    ]
    body = _post(client, auth_headers, again)
    results = body["results"]  # type: ignore[index]
    assert [r["status"] for r in results] == ["rejected"] * 4 + ["created"]  # type: ignore[index]
    assert results[0]["errors"][0]["rule"] == "erased"  # type: ignore[index]
    assert results[1]["errors"][0]["field"] == "customer_ref"  # type: ignore[index]
    assert results[2]["errors"][0]["field"] == "external_id"  # type: ignore[index]

    single = client.post("/v1/feedback", json=again[2], headers=auth_headers)
    assert single.status_code == 422 and single.json()["errors"][0]["rule"] == "erased"

    # The importers' path (commit=False, then their own commit) refuses them the same way.
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None
    imported = ingest_items(session, workspace, again[:1], settings=settings, commit=False)
    session.commit()
    assert imported[0].status == "rejected" and imported[0].errors[0].rule == "erased"


def test_delete_by_id_leaves_a_tombstone_for_content_without_external_id(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    ids = _seed(client, auth_headers)
    assert client.delete(f"/v1/feedback/{ids[3]}", headers=auth_headers).status_code == 204
    r = client.post(
        "/v1/feedback",
        json={"text": "Sans identifiant ni client : livraison en retard."},
        headers=auth_headers,
    )
    assert r.status_code == 422 and r.json()["errors"][0] == {
        "field": "text",
        "rule": "erased",
        "message": r.json()["errors"][0]["message"],
    }


def test_list_erasures_holds_no_personal_data(
    client: TestClient, auth_headers: dict[str, str], other_auth_headers: dict[str, str], session: Session
) -> None:
    _seed(client, auth_headers)
    client.post("/v1/erasures", json={"customer_ref": REF}, headers=auth_headers)
    client.post("/v1/erasures", json={"source": "zendesk", "external_id": "ticket z9"}, headers=auth_headers)
    page = client.get("/v1/erasures", params={"limit": 1}, headers=auth_headers)
    assert page.status_code == 200
    first = page.json()
    assert len(first["items"]) == 1 and first["items"][0]["scope"] == "item"
    second = client.get("/v1/erasures", params={"cursor": first["next_cursor"]}, headers=auth_headers).json()
    assert [e["scope"] for e in second["items"]] == ["customer"] and second["next_cursor"] is None
    assert client.get("/v1/erasures", headers=other_auth_headers).json()["items"] == []
    for needle in (REF, "ticket z9", "zendesk"):
        assert needle not in page.text + str(second)
    hashes = session.exec(select(ErasureTombstone.key_hash)).all()
    assert hashes and all(len(h) == 64 and REF not in h for h in hashes)


def test_tombstones_are_per_workspace(
    client: TestClient, auth_headers: dict[str, str], other_auth_headers: dict[str, str]
) -> None:
    client.post("/v1/erasures", json={"customer_ref": REF}, headers=auth_headers)
    r = client.post("/v1/feedback", json={"text": "Bonjour", "customer_ref": REF}, headers=other_auth_headers)
    assert r.status_code == 201


def test_bad_requests_name_field_and_rule(client: TestClient, auth_headers: dict[str, str]) -> None:
    cases = [
        ({}, "required"),
        ({"customer_ref": "c", "source": "s", "external_id": "e"}, "one_of"),
        ({"external_id": "e"}, "required"),
        ({"source": "s"}, "required"),
        ({"customer_ref": ""}, "min_length"),
        ({"customer_ref": "c", "extra": 1}, "unknown_field"),
    ]
    for payload, rule in cases:
        r = client.post("/v1/erasures", json=payload, headers=auth_headers)
        assert r.status_code == 422, (payload, r.text)
        assert rule in {e["rule"] for e in r.json()["errors"]}, (payload, r.json())
    assert client.post("/v1/erasures", json={"customer_ref": "c"}).status_code == 401


def test_erased_text_bytes_leave_the_sqlite_file(
    db_url: str, client: TestClient, auth_headers: dict[str, str]
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("a file-level check of SQLite")
    sqlite_url = db_url
    secret_text = "Le livreur Zebulon-Quetzalcoatl a laissé le colis dehors sous la pluie battante."
    kept_text = "Un autre avis, conservé : emballage correct et livraison rapide."
    r = client.post(
        "/v1/feedback",
        json={
            "items": [
                {"text": secret_text, "customer_ref": "gone"},
                {"text": kept_text, "customer_ref": "kept"},
            ]
        },
        headers=auth_headers,
    )
    assert r.json()["created"] == 2
    db_file = Path(sqlite_url.removeprefix("sqlite:///"))

    def file_bytes() -> bytes:
        data = db_file.read_bytes()
        wal = db_file.with_name(db_file.name + "-wal")
        return data + (wal.read_bytes() if wal.exists() else b"")

    assert secret_text.encode() in file_bytes() or _checkpoint(sqlite_url, secret_text.encode(), file_bytes)
    assert client.post("/v1/erasures", json={"customer_ref": "gone"}, headers=auth_headers).status_code == 201
    data = file_bytes()
    assert b"Zebulon-Quetzalcoatl" not in data
    assert kept_text.encode() in data or _checkpoint(sqlite_url, kept_text.encode(), file_bytes)


def _checkpoint(url: str, needle: bytes, read: object) -> bool:
    """Force the log into the main file, then look again (the sanity checks above must see the bytes)."""
    from service.db import build_engine

    engine = build_engine(url)
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(FULL)"))
    engine.dispose()
    return needle in read()  # type: ignore[operator]


def test_connect_hook_turns_secure_delete_on_and_the_check_above_can_fail(tmp_path: Path) -> None:
    """This SQLite build may already default to secure_delete; the hook must not rely on that, and the byte
    check must see deleted text when secure_delete is off."""
    path = tmp_path / "plain.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA secure_delete=OFF")
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.execute("INSERT INTO t VALUES ('Zebulon-Quetzalcoatl was here')")
    conn.commit()
    conn.execute("DELETE FROM t")
    conn.commit()
    assert b"Zebulon-Quetzalcoatl" in path.read_bytes()
    _set_sqlite_pragmas(conn, None)
    assert conn.execute("PRAGMA secure_delete").fetchone() == (1,)
    conn.close()


def test_erasure_of_more_items_than_one_statement_holds(
    client: TestClient, auth_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.erasures import service as erasure_service

    monkeypatch.setattr(erasure_service, "_CHUNK", 3)
    items = [{"text": f"Avis numéro {i} sur la livraison.", "customer_ref": "many"} for i in range(8)]
    assert _post(client, auth_headers, items)["created"] == 8
    r = client.post("/v1/erasures", json={"customer_ref": "many"}, headers=auth_headers)
    assert r.status_code == 201 and r.json()["counts"]["items"] == 8
    assert client.get("/v1/feedback", headers=auth_headers).json()["items"] == []
