"""Feedback ingest through the real app, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

FR = "Colis arrivé avec 5 jours de retard, personne ne répond au téléphone."
EN = "My card was declined at checkout three times, then I was charged twice."


def post(client: TestClient, headers: dict[str, str], body: Any) -> Any:
    return client.post("/v1/feedback", json=body, headers=headers)


def test_batch_created_duplicate_rejected(client: TestClient, auth_headers: dict[str, str]) -> None:
    item = {"source": "trustpilot", "external_id": "tp-1", "text": FR, "rating": 2}
    r = post(client, auth_headers, {"items": [item, item, {"source": "trustpilot", "text": "   "}]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [x["status"] for x in body["results"]] == ["created", "duplicate", "rejected"]
    assert body["created"] == 1 and body["duplicates"] == 1 and body["rejected"] == 1
    assert body["results"][1]["id"] == body["results"][0]["id"]
    assert body["results"][2]["errors"][0] == {
        "field": "text",
        "rule": "not_blank",
        "message": "must contain at least one non-whitespace character",
    }
    assert body["results"][0]["language"] == "fr"


def test_resending_batch_creates_nothing(client: TestClient, auth_headers: dict[str, str]) -> None:
    batch = {"items": [{"text": FR}, {"text": EN, "external_id": "z-1", "source": "zendesk"}]}
    first = post(client, auth_headers, batch).json()
    second = post(client, auth_headers, batch).json()
    assert first["created"] == 2
    assert second["created"] == 0 and second["duplicates"] == 2
    assert [r["id"] for r in first["results"]] == [r["id"] for r in second["results"]]
    listed = client.get("/v1/feedback", headers=auth_headers).json()
    assert len(listed["items"]) == 2


def test_single_item_status_codes(client: TestClient, auth_headers: dict[str, str]) -> None:
    item = {"text": EN, "external_id": "t-9", "source": "zendesk", "kind": "ticket", "csat": 1}
    r1 = post(client, auth_headers, item)
    assert r1.status_code == 201 and r1.json()["status"] == "created"
    assert r1.json()["language"] == "en"
    r2 = post(client, auth_headers, item)
    assert r2.status_code == 200 and r2.json()["status"] == "duplicate"
    r3 = post(client, auth_headers, {"text": ""})
    assert r3.status_code == 422
    assert r3.json()["errors"][0]["field"] == "text"


def test_pii_is_redacted_before_storage(client: TestClient, auth_headers: dict[str, str]) -> None:
    text = (
        "Contactez-moi : marie.curie@orange.fr ou 06 12 34 56 78. Carte 4111 1111 1111 1111 débitée 2 fois."
    )
    r = post(
        client, auth_headers, {"text": text, "customer_ref": "client-42", "metadata": {"email": "a@b.fr"}}
    )
    assert r.status_code == 201, r.text
    assert r.json()["redactions"] == {"EMAIL": 2, "PHONE": 1, "CARD": 1}
    stored = client.get(f"/v1/feedback/{r.json()['id']}", headers=auth_headers).json()
    assert (
        "marie.curie" not in stored["text"] and "06 12" not in stored["text"] and "4111" not in stored["text"]
    )
    assert "<EMAIL>" in stored["text"] and "<PHONE>" in stored["text"] and "<CARD>" in stored["text"]
    assert stored["metadata"] == {"email": "<EMAIL>"}
    assert stored["customer_hash"] and "client-42" not in stored["customer_hash"]


def test_item_fields_round_trip(client: TestClient, auth_headers: dict[str, str]) -> None:
    item = {
        "source": "survey-q3",
        "external_id": 1234,
        "text": EN,
        "kind": "survey",
        "rating": 4.5,
        "nps": 3,
        "csat": 2,
        "channel": "web",
        "segment": "smb",
        "created_at": "2024-03-12T09:30:00+01:00",
        "metadata": {"country": "FR", "tags": ["a", "b"]},
    }
    created = post(client, auth_headers, item).json()
    got = client.get(f"/v1/feedback/{created['id']}", headers=auth_headers).json()
    assert got["external_id"] == "1234"
    assert got["created_at"].startswith("2024-03-12T08:30:00")
    for key in ("source", "kind", "rating", "nps", "csat", "channel", "segment", "metadata"):
        assert got[key] == item[key]
