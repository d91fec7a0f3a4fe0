"""Bad input gets a 4xx naming the field and the rule — never a 500 — and nothing stored is lost."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import Settings

OK = {"text": "Livraison rapide, merci."}


def json_headers(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Content-Type": "application/json"}


# (description, json body, status, field, rule)
CASES: list[tuple[str, Any, int, str, str]] = [
    ("empty text", {"text": ""}, 422, "text", "not_blank"),
    ("whitespace text", {"text": " \n\t "}, 422, "text", "not_blank"),
    ("missing text", {"rating": 3}, 422, "text", "required"),
    ("text too long", {"text": "a" * 20_001}, 422, "text", "max_length"),
    ("text not a string", {"text": 12}, 422, "text", "string"),
    ("rating too high", {"text": "x", "rating": 6}, 422, "rating", "le"),
    ("rating too low", {"text": "x", "rating": 0}, 422, "rating", "ge"),
    ("nps out of range", {"text": "x", "nps": 11}, 422, "nps", "le"),
    ("nps not an integer", {"text": "x", "nps": 7.5}, 422, "nps", "integer"),
    ("csat out of range", {"text": "x", "csat": 9}, 422, "csat", "le"),
    ("unknown field", {"text": "x", "ratting": 3}, 422, "ratting", "unknown_field"),
    ("invalid date", {"text": "x", "created_at": "2024-13-45"}, 422, "created_at", "datetime"),
    ("date garbage", {"text": "x", "created_at": "last tuesday"}, 422, "created_at", "datetime"),
    ("future date", {"text": "x", "created_at": "2999-01-01T00:00:00Z"}, 422, "created_at", "not_in_future"),
    ("bad kind", {"text": "x", "kind": "tweet"}, 422, "kind", "one_of"),
    ("metadata not object", {"text": "x", "metadata": [1, 2]}, 422, "metadata", "object"),
    ("NUL in text", {"text": "a\x00b"}, 422, "text", "no_nul"),
    ("lone surrogate", {"text": "caf\ud800"}, 422, "text", "utf8"),
    ("source too long", {"text": "x", "source": "s" * 101}, 422, "source", "max_length"),
    ("empty batch", {"items": []}, 422, "items", "min_items"),
    ("batch too big", {"items": [OK] * 1001}, 422, "items", "max_items"),
    ("batch not a list", {"items": {"text": "x"}}, 422, "items", "array"),
    ("batch extra key", {"items": [OK], "dry_run": True}, 422, "dry_run", "unknown_field"),
    ("body is a list", [OK], 422, "body", "object"),
    ("body is a string", "hello", 422, "body", "object"),
]


@pytest.mark.parametrize(("desc", "body", "status", "field", "rule"), CASES, ids=[c[0] for c in CASES])
def test_bad_item_is_rejected_with_field_and_rule(
    client: TestClient, auth_headers: dict[str, str], desc: str, body: Any, status: int, field: str, rule: str
) -> None:
    # json.dumps escapes non-ASCII, so a lone surrogate travels as the JSON escape "\ud800"
    r = client.post("/v1/feedback", content=json.dumps(body), headers=json_headers(auth_headers))
    assert r.status_code == status, r.text
    payload = r.json()
    assert payload["detail"]
    assert any(e["field"] == field and e["rule"] == rule for e in payload["errors"]), payload


def test_bad_items_in_a_batch_never_sink_the_good_ones(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    items = [
        OK,
        {"text": "   "},
        {"text": "x", "rating": 9},
        "not an object",
        {"text": "Bon produit", "nps": 9},
    ]
    r = client.post("/v1/feedback", json={"items": items}, headers=auth_headers)
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["created", "rejected", "rejected", "rejected", "created"]
    assert results[2]["errors"][0]["field"] == "rating"
    assert results[3]["errors"][0]["rule"] == "object"


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        (b'{"text": "caf\xe9 froid"}', "utf8"),  # Latin-1, not UTF-8
        (b'{"text": "unterminated', "json"),
        (b"", "required"),
    ],
)
def test_undecodable_bodies(client: TestClient, auth_headers: dict[str, str], raw: bytes, rule: str) -> None:
    headers = {**auth_headers, "Content-Type": "application/json"}
    r = client.post("/v1/feedback", content=raw, headers=headers)
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["errors"][0]["field"] == "body" and r.json()["errors"][0]["rule"] == rule


def test_body_over_size_limit_is_413(db_url: str, tmp_path: Any, make_key: Any) -> None:
    settings = Settings(
        database_url=db_url,
        data_dir=tmp_path,
        queue_immediate=True,
        worker_in_process=False,
        max_body_bytes=2048,
    )
    headers = {"Authorization": f"Bearer {make_key('acme')}"}
    with TestClient(create_app(settings)) as c:
        r = c.post("/v1/feedback", json={"text": "x" * 4000}, headers=headers)
        assert r.status_code == 413
        assert r.json()["errors"][0] == {
            "field": "body",
            "rule": "max_body_bytes",
            "message": "request body must be at most 2048 bytes",
        }

        # chunked upload without Content-Length is cut off too
        def chunks() -> Any:
            yield b'{"text": "'
            for _ in range(10):
                yield b"y" * 500
            yield b'"}'

        r = c.post("/v1/feedback", content=chunks(), headers={**headers, "Content-Type": "application/json"})
        assert r.status_code == 413
        assert c.post("/v1/feedback", json=OK, headers=headers).status_code == 201


def test_rejections_do_not_touch_stored_data(client: TestClient, auth_headers: dict[str, str]) -> None:
    first = client.post("/v1/feedback", json={**OK, "external_id": "k1"}, headers=auth_headers).json()
    for _desc, body, *_ in CASES:
        client.post("/v1/feedback", content=json.dumps(body), headers=json_headers(auth_headers))
    listed = client.get("/v1/feedback", headers=auth_headers).json()["items"]
    assert [i["id"] for i in listed] == [first["id"]]
    assert listed[0]["text"] == OK["text"]
