"""Inputs that once answered 500 (issue 13): each answers a 4xx naming the field and the rule."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers.journey_backend import TopicBackend


def _rules(payload: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["rule"]) for e in payload["errors"]}


@pytest.mark.parametrize("schedule", ["0 0 31 4 *", "0 0 30 2 *", "0 0 31 2,4,6 *"])
def test_cron_that_never_fires_is_rejected(
    client: TestClient, auth_headers: dict[str, str], schedule: str
) -> None:
    body = {
        "name": "s",
        "type": "generic_csv",
        "location": "https://93.184.216.34/x.csv",
        "schedule": schedule,
    }
    r = client.post("/v1/sources", json=body, headers=auth_headers)
    assert r.status_code == 422, r.text
    assert ("schedule", "cron_never_fires") in _rules(r.json())


def test_cron_that_fires_rarely_is_accepted(client: TestClient, auth_headers: dict[str, str]) -> None:
    body = {
        "name": "s",
        "type": "generic_csv",
        "location": "https://93.184.216.34/x.csv",
        "schedule": "0 0 29 2 *",
    }
    r = client.post("/v1/sources", json=body, headers=auth_headers)
    assert r.status_code == 201, r.text
    assert r.json()["next_run_at"]


@pytest.mark.parametrize("path", ["/v1/journey-map", "/v1/pain-points"])
@pytest.mark.parametrize(
    ("param", "value"), [("since", "2024-02-30"), ("until", "2024-13-01"), ("since", "2024-2-3")]
)
def test_impossible_dates_are_422_on_every_endpoint(
    client: TestClient, auth_headers: dict[str, str], path: str, param: str, value: str
) -> None:
    r = client.get(path, params={param: value}, headers=auth_headers)
    assert r.status_code == 422, r.text
    assert (param, "date") in _rules(r.json())


@pytest.mark.parametrize("path", ["/v1/journey-map", "/v1/pain-points"])
def test_until_before_since_is_422(client: TestClient, auth_headers: dict[str, str], path: str) -> None:
    r = client.get(path, params={"since": "2024-03-02", "until": "2024-03-01"}, headers=auth_headers)
    assert r.status_code == 422, r.text
    assert ("until", "after_since") in _rules(r.json())
    ok = client.get(path, params={"since": "2024-03-01", "until": "2024-03-01"}, headers=auth_headers)
    assert ok.status_code == 200, ok.text


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


BAD_ITEMS: list[tuple[str, str, str, str]] = [
    # (description, raw JSON of the item, field, rule)
    (
        "created_at overflows",
        '{"text": "x", "created_at": "0001-01-01T00:00:00+14:00"}',
        "created_at",
        "too_old",
    ),
    ("metadata 600 deep", json.dumps({"text": "x", "metadata": _nested(600)}), "metadata", "max_depth"),
    (
        "external_id 5000 digits",
        '{"text": "x", "external_id": ' + "9" * 5000 + "}",
        "external_id",
        "max_length",
    ),
]


@pytest.mark.parametrize(("desc", "raw", "field", "rule"), BAD_ITEMS, ids=[c[0] for c in BAD_ITEMS])
def test_bad_single_item_is_422(
    client: TestClient, auth_headers: dict[str, str], desc: str, raw: str, field: str, rule: str
) -> None:
    headers = {**auth_headers, "Content-Type": "application/json"}
    r = client.post("/v1/feedback", content=raw, headers=headers)
    assert r.status_code == 422, r.text
    assert (field, rule) in _rules(r.json())


def test_bad_item_in_a_batch_is_rejected_alone(client: TestClient, auth_headers: dict[str, str]) -> None:
    items = [raw for _, raw, _, _ in BAD_ITEMS]
    body = '{"items": [{"text": "Livraison en retard."}, ' + ", ".join(items) + ', {"text": "Great app."}]}'
    r = client.post(
        "/v1/feedback", content=body, headers={**auth_headers, "Content-Type": "application/json"}
    )
    assert r.status_code == 200, r.text
    statuses = [res["status"] for res in r.json()["results"]]
    assert statuses == ["created", *["rejected"] * len(items), "created"]
    for res, (_, _, field, rule) in zip(r.json()["results"][1:-1], BAD_ITEMS, strict=True):
        assert (field, rule) in {(e["field"], e["rule"]) for e in res["errors"]}


def test_plain_date_scope_is_utc_midnight(
    client: TestClient, auth_headers: dict[str, str], topic_backend: TopicBackend
) -> None:
    for text in ("Livraison en retard.", "Delivery was a week late.", "Refund never received."):
        client.post("/v1/feedback", json={"text": text}, headers=auth_headers)
    r = client.post("/v1/analyses", json={"scope": {"since": "2024-09-01"}}, headers=auth_headers)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["params"]["scope"]["since"] == "2024-09-01T00:00:00Z"
    assert job["state"] == "done", job["error"]
    assert job["attempts"] == 1


def test_scope_until_before_since_is_422(client: TestClient, auth_headers: dict[str, str]) -> None:
    body = {"scope": {"since": "2026-09-02", "until": "2026-09-01T12:00:00Z"}}
    r = client.post("/v1/analyses", json=body, headers=auth_headers)
    assert r.status_code == 422, r.text
    assert ("scope.until", "after_since") in _rules(r.json())


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/v1/sources"), ("post", "/v1/webhooks"), ("post", "/v1/analyses"), ("post", "/v1/feedback")],
)
@pytest.mark.parametrize("key", [None, "fm_not-a-key"])
def test_authentication_runs_before_the_body_is_parsed(
    client: TestClient, method: str, path: str, key: str | None
) -> None:
    headers = {"Content-Type": "application/json"}
    if key:
        headers["X-API-Key"] = key
    r = client.request(method, path, content=b'{"name": ', headers=headers)
    assert r.status_code == 401, r.text
    assert r.json()["errors"][0]["field"] == "Authorization"


def test_feedback_list_dates_follow_the_shared_rule(client: TestClient, auth_headers: dict[str, str]) -> None:
    """/v1/feedback reads dates like every other endpoint: impossible dates and reversed periods are 422."""
    bad = client.get("/v1/feedback", params={"created_from": "2024-02-30"}, headers=auth_headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].endswith("created_from")
    reversed_ = client.get(
        "/v1/feedback",
        params={"created_from": "2026-03-01", "created_to": "2026-02-01"},
        headers=auth_headers,
    )
    assert reversed_.status_code == 422
    assert reversed_.json()["errors"][0] == {
        "field": "created_to",
        "rule": "after_since",
        "message": "must not be earlier than `created_from`",
    }
    plain = client.get(
        "/v1/feedback",
        params={"created_from": "2026-01-01", "created_to": "2026-02-01"},
        headers=auth_headers,
    )
    assert plain.status_code == 200
