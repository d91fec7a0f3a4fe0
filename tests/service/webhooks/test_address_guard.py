"""Webhook URLs on non-public addresses are refused unless the deployment allows them."""

from __future__ import annotations

import socket

import pytest
from fastapi.testclient import TestClient

from service import netguard
from service.netguard import NonPublicAddressError, check_public_host


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:8080/hook",
    ],
)
def test_private_webhook_urls_are_refused(client: TestClient, auth_headers: dict[str, str], url: str) -> None:
    r = client.post("/v1/webhooks", json={"url": url, "events": ["pain_point.created"]}, headers=auth_headers)
    assert r.status_code == 422, r.text
    (error,) = r.json()["errors"]
    assert error["field"] == "url" and error["rule"] == "public_address"
    assert client.get("/v1/webhooks", headers=auth_headers).json() == []


def test_public_literal_address_passes_the_check() -> None:
    check_public_host("93.184.216.34")  # a literal public address: no DNS lookup needed


def test_missing_or_unresolvable_host_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(host: str, port: int) -> list[str]:  # a fake resolver: no DNS packet leaves the machine
        raise socket.gaierror(f"unknown host {host}")

    monkeypatch.setattr(netguard, "resolve", no_dns)
    with pytest.raises(NonPublicAddressError):
        check_public_host("")
    with pytest.raises(NonPublicAddressError):
        check_public_host("no-such-host.invalid")
