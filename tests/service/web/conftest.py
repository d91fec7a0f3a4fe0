"""Fixtures of the web app tests: an analysed workspace (the journey seed through ``TopicBackend``) with an
admin, an editor and a viewer, and a helper that signs a TestClient in through the real form."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.helpers.journey_backend import TopicBackend
from tests.service.journey_map.test_journey_api import analyse, ingest

PASSWORD = "correct horse battery"
USERS = {"admin": "ada@example.org", "editor": "eddie@example.org", "viewer": "vera@example.org"}
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def make_users(engine: Engine, workspace: str = "acme") -> None:
    from service.web.users import create_user
    from service.workspaces.security import get_or_create_workspace

    with Session(engine) as s:
        ws = get_or_create_workspace(s, workspace)
        for role, email in USERS.items():
            create_user(s, ws, email, PASSWORD, role)
        s.commit()


@pytest.fixture
def web_users(engine: Engine, workspace_key: str) -> dict[str, str]:
    make_users(engine)
    return USERS


@pytest.fixture
def analysed(
    client: TestClient, auth_headers: dict[str, str], topic_backend: TopicBackend, web_users: dict[str, str]
) -> dict[str, Any]:
    ingest(client, auth_headers)
    return analyse(client, auth_headers)


def log_in(client: TestClient, role: str, password: str = PASSWORD) -> TestClient:
    """Signs ``client`` in as the user of ``role`` through the form (its cookie jar keeps the session)."""
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"email": USERS[role], "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return client


@pytest.fixture
def sign_in(client: TestClient) -> Callable[[str], TestClient]:
    def _sign_in(role: str, password: str = PASSWORD) -> TestClient:
        return log_in(client, role, password)

    return _sign_in
