"""The outbound guard: only global unicast addresses (or the allow-list), checked at registration and on
every connection, connecting to the address that was checked.

No test here sends a packet outside 127.0.0.0/8: host names go through a fake resolver, and a spy on
``socket.connect`` fails the test if anything tries to connect elsewhere. Refusals must happen before any
connection at all.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service import netguard
from service.netguard import NonPublicAddressError, OutboundPolicy, check_url, is_public
from service.settings import Settings, get_settings

PUBLIC = "93.184.216.34"  # resolved to, never connected to


@pytest.fixture(autouse=True)
def connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every address a socket connects to; any outside 127.0.0.0/8 fails the test on the spot."""
    seen: list[Any] = []
    real_connect = socket.socket.connect

    def spy(sock: socket.socket, address: Any) -> Any:
        seen.append(address)
        host = address[0] if isinstance(address, tuple) else None
        if host is None or not ipaddress.ip_address(host).is_loopback:
            pytest.fail(f"a test tried to connect to {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", spy)
    return seen


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Fake DNS: edit the dict to change what a name resolves to (rebinding)."""
    table: dict[str, list[str]] = {
        "metadata.test": ["100.100.100.200"],
        "multicast.test": ["224.0.0.1"],
        "internal.test": ["10.0.0.1"],
        "mixed.test": [PUBLIC, "10.0.0.1"],
        "public.test": [PUBLIC],
    }

    def fake_resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(f"unknown host {host}")
        return list(table[host])

    monkeypatch.setattr(netguard, "resolve", fake_resolve)
    return table


class _Handler(BaseHTTPRequestHandler):
    hosts: list[str]
    status = 200

    def _answer(self) -> None:
        self.hosts.append(self.headers.get("Host", ""))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(self.status)
        if self.status in (301, 302, 307):
            self.send_header("Location", "http://internal.test/steal")
        body = b"text\nLivraison en retard.\n"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def receiver() -> Iterator[Callable[[int], tuple[int, list[str]]]]:
    servers: list[ThreadingHTTPServer] = []

    def start(status: int = 200) -> tuple[int, list[str]]:
        hosts: list[str] = []
        handler = type("H", (_Handler,), {"hosts": hosts, "status": status})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1], hosts

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


# --- the rule ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.100.100.200",  # shared address space (RFC 6598): a cloud metadata endpoint
        "224.0.0.1",
        "239.255.255.250",
        "0.0.0.0",
        "255.255.255.255",
        "192.0.2.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:10.0.0.1",  # IPv4-mapped private
        "64:ff9b:1::a00:1",  # local-use NAT64
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
    ],
)
def test_non_global_or_multicast_addresses_are_refused(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    with pytest.raises(NonPublicAddressError):
        check_url(f"http://[{address}]/" if ":" in address else f"http://{address}/", OutboundPolicy())


@pytest.mark.parametrize("address", [PUBLIC, "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808"])
def test_global_unicast_addresses_pass(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


def test_names_are_judged_by_every_address_they_resolve_to(dns: dict[str, list[str]]) -> None:
    check_url("https://public.test/x.csv", OutboundPolicy())
    for host in ("metadata.test", "multicast.test", "internal.test", "mixed.test", "nowhere.test"):
        with pytest.raises(NonPublicAddressError):
            check_url(f"https://{host}/x", OutboundPolicy())


def test_allow_list_takes_names_addresses_and_cidrs(dns: dict[str, list[str]]) -> None:
    policy = OutboundPolicy.from_entries(["internal.test", "100.64.0.0/10", "fd00::1"])
    check_url("http://internal.test/", policy)
    check_url("http://metadata.test/", policy)
    check_url("http://[fd00::1]/", policy)
    with pytest.raises(NonPublicAddressError):
        check_url("http://multicast.test/", policy)
    with pytest.raises(NonPublicAddressError):
        check_url("http://10.0.0.2/", policy)


# --- webhooks ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://100.100.100.200/latest/meta-data/",
        "http://224.0.0.1/",
        "http://metadata.test/hook",
        "http://multicast.test/hook",
        "http://mixed.test/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ],
)
def test_webhook_creation_refuses_non_public_destinations(
    client: TestClient, auth_headers: dict[str, str], dns: dict[str, list[str]], url: str
) -> None:
    r = client.post("/v1/webhooks", json={"url": url, "events": ["pain_point.created"]}, headers=auth_headers)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["rule"] == "public_address"


def _delivery(engine: Any, url: str) -> str:
    from service.models.webhooks import Webhook, WebhookDelivery

    with Session(engine) as s:
        from service.workspaces.security import get_or_create_workspace

        ws = get_or_create_workspace(s, "acme")
        hook = Webhook(workspace_id=ws.id, url=url, events=["pain_point.created"], secret="whsec_x")
        s.add(hook)
        s.flush()
        delivery = WebhookDelivery(
            workspace_id=ws.id, webhook_id=hook.id, event="pain_point.created", payload={"id": "1"}
        )
        s.add(delivery)
        s.commit()
        return delivery.id


def test_webhook_delivery_rechecks_and_refuses_a_rebound_name(
    engine: Any, dns: dict[str, list[str]], connections: list[Any]
) -> None:
    from service.webhooks.delivery import attempt_delivery

    delivery_id = _delivery(engine, "http://public.test/hook")  # checked public when it was created
    dns["public.test"] = ["169.254.169.254"]  # ...and now answers the metadata endpoint
    with Session(engine) as s:
        assert attempt_delivery(s, delivery_id, final_attempt=True, policy=OutboundPolicy()) == "failed"
        from service.models.webhooks import WebhookDelivery

        d = s.get(WebhookDelivery, delivery_id)
        assert d is not None and d.last_error and "non-public address 169.254.169.254" in d.last_error
    assert connections == []


def test_webhook_delivery_connects_to_the_checked_address_with_the_original_host(
    engine: Any,
    dns: dict[str, list[str]],
    connections: list[Any],
    receiver: Callable[..., tuple[int, list[str]]],
) -> None:
    from service.webhooks.delivery import attempt_delivery

    port, hosts = receiver()
    dns["hooks.internal"] = ["127.0.0.1"]
    delivery_id = _delivery(engine, f"http://hooks.internal:{port}/hook")
    allowed = OutboundPolicy.from_entries(["127.0.0.0/8"])
    with Session(engine) as s:
        assert attempt_delivery(s, delivery_id, final_attempt=True, policy=allowed) == "delivered"
    assert hosts == [f"hooks.internal:{port}"]
    assert [c[0] for c in connections] == ["127.0.0.1"]


def test_webhook_redirects_are_not_followed(
    engine: Any,
    dns: dict[str, list[str]],
    connections: list[Any],
    receiver: Callable[..., tuple[int, list[str]]],
) -> None:
    from service.webhooks.delivery import attempt_delivery

    port, hosts = receiver(302)
    delivery_id = _delivery(engine, f"http://127.0.0.1:{port}/hook")
    with Session(engine) as s:
        state = attempt_delivery(
            s, delivery_id, final_attempt=True, policy=OutboundPolicy.from_entries(["127.0.0.1"])
        )
        assert state == "failed"
    assert len(hosts) == 1 and len(connections) == 1


# --- sources -------------------------------------------------------------------------------------------


@pytest.fixture
def env_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Import runs read the environment's settings (the worker's), like in production."""
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


@pytest.mark.parametrize(
    "location", ["http://100.100.100.200/x.csv", "https://224.0.0.1/x.csv", "http://internal.test/x.csv"]
)
def test_source_creation_refuses_non_public_urls_like_webhooks(
    client: TestClient, auth_headers: dict[str, str], dns: dict[str, list[str]], location: str
) -> None:
    body = {"name": "s", "type": "generic_csv", "location": location}
    r = client.post("/v1/sources", json=body, headers=auth_headers)
    assert r.status_code == 422, r.text
    assert (r.json()["errors"][0]["field"], r.json()["errors"][0]["rule"]) == ("location", "public_address")
    src = client.post(
        "/v1/sources", json={**body, "location": "https://public.test/x.csv"}, headers=auth_headers
    ).json()
    r = client.patch(f"/v1/sources/{src['id']}", json={"location": location}, headers=auth_headers)
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "public_address"


def test_source_run_refuses_a_rebound_name_before_connecting(
    client: TestClient,
    auth_headers: dict[str, str],
    dns: dict[str, list[str]],
    connections: list[Any],
    env_settings: Settings,
) -> None:
    body = {"name": "s", "type": "generic_csv", "location": "http://public.test/x.csv"}
    src = client.post("/v1/sources", json=body, headers=auth_headers).json()
    dns["public.test"] = ["10.0.0.1"]
    run = client.post(f"/v1/sources/{src['id']}/run", headers=auth_headers).json()
    assert run["state"] == "failed" and "non-public address 10.0.0.1" in run["error"], run
    assert connections == []


def test_source_run_downloads_from_an_allow_listed_internal_host(
    client: TestClient,
    auth_headers: dict[str, str],
    dns: dict[str, list[str]],
    connections: list[Any],
    env_settings: Settings,
    receiver: Callable[..., tuple[int, list[str]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port, hosts = receiver()
    dns["exports.internal"] = ["127.0.0.1"]
    location = f"http://exports.internal:{port}/x.csv"
    body = {"name": "s", "type": "generic_csv", "location": location}
    refused = client.post("/v1/sources", json=body, headers=auth_headers)
    assert refused.status_code == 422  # not allow-listed yet
    monkeypatch.setenv("FRICTIONMAP_OUTBOUND_ALLOW_HOSTS", '["exports.internal"]')
    get_settings.cache_clear()
    from service.main import create_app

    with TestClient(create_app(get_settings().model_copy(update={"queue_immediate": True}))) as api:
        src = api.post("/v1/sources", json=body, headers=auth_headers)
        assert src.status_code == 201, src.text
        run = api.post(f"/v1/sources/{src.json()['id']}/run", headers=auth_headers).json()
    assert run["state"] == "done" and run["created"] == 1, run
    assert hosts == [f"exports.internal:{port}"]
    assert {c[0] for c in connections} == {"127.0.0.1"}
