"""Webhooks end to end against a local receiver: signatures, validation, retries and the delivery log."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from service.models.webhooks import WebhookDelivery
from service.settings import Settings
from service.webhooks.delivery import SIGNATURE_HEADER, attempt_delivery, sign, verify_signature
from tests.helpers.journey_backend import TopicBackend
from tests.service.journey_map.test_journey_api import analyse, ingest


class Receiver:
    """A tiny HTTP server on 127.0.0.1 that records requests; ``fail_first`` answers 503 that many times."""

    def __init__(self, fail_first: int = 0) -> None:
        self.requests: list[dict[str, Any]] = []
        self.fail_first = fail_first
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append({"headers": dict(self.headers), "body": body})
                code = 503 if outer.fail_first > 0 else 204
                outer.fail_first -= 1
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The receivers in this module listen on 127.0.0.1, which the default settings refuse."""
    return settings.model_copy(update={"webhook_allow_private_urls": True})


def test_signature_roundtrip() -> None:
    body = b'{"a":1}'
    header = sign("s3cret", body, timestamp=1_700_000_000)
    assert verify_signature("s3cret", body, header, now=1_700_000_100)
    assert not verify_signature("other", body, header, now=1_700_000_100)
    assert not verify_signature("s3cret", body + b" ", header, now=1_700_000_100)
    assert not verify_signature("s3cret", body, header, now=1_700_001_000)  # replayed too late
    assert not verify_signature("s3cret", body, "garbage")


def test_webhooks_end_to_end(
    client: TestClient,
    auth_headers: dict[str, str],
    other_auth_headers: dict[str, str],
    topic_backend: TopicBackend,
) -> None:
    with Receiver() as receiver:
        r = client.post(
            "/v1/webhooks",
            json={"url": receiver.url, "events": ["pain_point.created", "pain_point.emerging"]},
            headers=auth_headers,
        )
        assert r.status_code == 201, r.text
        hook = r.json()
        secret = hook["secret"]
        assert "secret" not in client.get("/v1/webhooks", headers=auth_headers).json()[0]
        assert client.get("/v1/webhooks", headers=other_auth_headers).json() == []

        ingest(client, auth_headers)
        analyse(client, auth_headers)

    events = [json.loads(req["body"]) for req in receiver.requests]
    kinds = [e["event"] for e in events]
    assert kinds.count("pain_point.emerging") == 1
    emerging = next(e for e in events if e["event"] == "pain_point.emerging")
    assert emerging["data"]["pain_point"]["label"] == "App crashes"
    assert kinds.count("pain_point.created") >= 5
    for req in receiver.requests:
        headers = {k.lower(): v for k, v in req["headers"].items()}
        assert verify_signature(secret, req["body"], headers[SIGNATURE_HEADER.lower()])
        assert headers["x-frictionmap-event"] in ("pain_point.created", "pain_point.emerging")

    log = client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=auth_headers).json()
    assert len(log) == len(receiver.requests)
    assert all(d["state"] == "delivered" and d["attempts"] == 1 and d["last_status_code"] == 204 for d in log)
    assert client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=other_auth_headers).status_code == 404

    # A second analysis creates nothing new and the crash is still emerging: no duplicate alerts.
    analyse(client, auth_headers)
    assert len(client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=auth_headers).json()) == len(log)

    assert client.delete(f"/v1/webhooks/{hook['id']}", headers=auth_headers).status_code == 204
    assert client.delete(f"/v1/webhooks/{hook['id']}", headers=auth_headers).status_code == 404


def test_webhook_validation(client: TestClient, auth_headers: dict[str, str]) -> None:
    for body, field in (
        ({"url": "ftp://127.0.0.1/x", "events": ["pain_point.created"]}, "url"),
        ({"url": "not a url", "events": ["pain_point.created"]}, "url"),
        ({"url": "http://127.0.0.1:9/x", "events": ["pain_point.deleted"]}, "events.0"),
        ({"url": "http://127.0.0.1:9/x", "events": []}, "events"),
        ({"url": "http://127.0.0.1:9/x", "events": ["pain_point.created"], "secret": "x"}, "secret"),
    ):
        r = client.post("/v1/webhooks", json=body, headers=auth_headers)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["errors"][0]["field"] == field, r.json()


def test_failed_delivery_is_retried_then_logged(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, topic_backend: TopicBackend
) -> None:
    with Receiver(fail_first=1) as receiver:
        hook = client.post(
            "/v1/webhooks",
            json={"url": receiver.url, "events": ["pain_point.emerging"]},
            headers=auth_headers,
        ).json()
        ingest(client, auth_headers)
        analyse(client, auth_headers)
        (first,) = client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=auth_headers).json()
        # The first try got a 503: the row stays pending (huey schedules the retry 2 s later with backoff).
        assert first["state"] == "pending" and first["attempts"] == 1 and first["last_status_code"] == 503
        with Session(engine) as s:
            assert attempt_delivery(s, first["id"], final_attempt=False) == "delivered"
        assert len(receiver.requests) == 2
        # Same event id on both attempts, so receivers can de-duplicate.
        assert (
            json.loads(receiver.requests[0]["body"])["id"] == json.loads(receiver.requests[1]["body"])["id"]
        )

    # Receiver gone: the final attempt marks the delivery failed with the error.
    with Session(engine) as s:
        d = s.get(WebhookDelivery, first["id"])
        assert d is not None
        d.state = "pending"
        s.commit()
        assert attempt_delivery(s, first["id"], final_attempt=True) == "failed"
        s.refresh(d)
        assert d.attempts == 3 and d.last_error and "Connect" in d.last_error
