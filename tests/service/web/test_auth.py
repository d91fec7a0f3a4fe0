"""Sign-in, sessions, CSRF, roles and the sign-in throttle of the web app, through the real app."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from service.models import User
from service.settings import Settings
from service.web.auth import COOKIE
from tests.service.web.conftest import PASSWORD, USERS, csrf_of


def _login(client: TestClient, email: str, password: str, token: str | None = None) -> object:
    token = token if token is not None else csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def test_pages_need_a_session(client: TestClient) -> None:
    r = client.get("/pain-points?stage=delivery", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fpain-points%3Fstage%3Ddelivery"
    assert client.get("/login").status_code == 200


def test_sign_in_sets_a_signed_httponly_lax_cookie_and_signs_out(
    client: TestClient, web_users: dict[str, str]
) -> None:
    r = _login(client, "ADA@example.org ", PASSWORD)  # case and spaces do not matter
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith(COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    home = client.get("/")
    assert home.status_code == 200 and "ada@example.org" in home.text
    out = client.post("/logout", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_sign_in_goes_back_where_it_was_asked_but_never_off_site(
    client: TestClient, web_users: dict[str, str]
) -> None:
    token = csrf_of(client.get("/login").text)
    data = {"email": USERS["viewer"], "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"}
    r = client.post("/login", data=data, follow_redirects=False)
    assert r.headers["location"] == "/"
    client.cookies.clear()
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login", data={**data, "csrf_token": token, "next": "/journey-map"}, follow_redirects=False
    )
    assert r.headers["location"] == "/journey-map"


def test_wrong_password_and_unknown_email_are_refused_alike(
    client: TestClient, web_users: dict[str, str]
) -> None:
    wrong = _login(client, USERS["admin"], "not the password")
    unknown = _login(client, "nobody@example.org", PASSWORD)
    for r in (wrong, unknown):
        assert r.status_code == 200  # the form again, with the message
        assert "Wrong e-mail or password." in r.text
        assert COOKIE not in r.cookies or r.cookies.get(COOKIE) is None
    assert client.get("/", follow_redirects=False).status_code == 303


def test_csrf_token_is_required_and_must_match(client: TestClient, web_users: dict[str, str]) -> None:
    client.get("/login")
    assert _login(client, USERS["admin"], PASSWORD, token="").status_code == 403
    assert _login(client, USERS["admin"], PASSWORD, token="forged-token").status_code == 403
    # A token from another browser's session does not work in this one.
    other = TestClient(client.app)
    foreign = csrf_of(other.get("/login").text)
    assert _login(client, USERS["admin"], PASSWORD, token=foreign).status_code == 403
    assert _login(client, USERS["admin"], PASSWORD).status_code == 303
    # Signed in, a form post without the token is refused too.
    assert client.post("/logout", follow_redirects=False).status_code == 403


def test_a_tampered_cookie_is_an_anonymous_session(client: TestClient, web_users: dict[str, str]) -> None:
    assert _login(client, USERS["admin"], PASSWORD).status_code == 303
    value = client.cookies.get(COOKIE)
    assert value
    fresh = TestClient(client.app)
    assert fresh.get("/", headers={"cookie": f"{COOKIE}={value}"}, follow_redirects=False).status_code == 200
    payload, _, rest = value.partition(".")
    forged = payload[:-2] + ("AA" if not payload.endswith("AA") else "BB") + "." + rest
    r = fresh.get("/", headers={"cookie": f"{COOKIE}={forged}"}, follow_redirects=False)
    assert r.status_code == 303


def test_failed_sign_ins_are_throttled_per_email_and_address(
    settings: Settings, engine: Engine, workspace_key: str
) -> None:
    from service.main import create_app
    from tests.service.web.conftest import make_users

    make_users(engine)
    limited = settings.model_copy(update={"login_max_attempts": 3, "login_window_s": 60.0})
    with TestClient(create_app(limited)) as client:
        for _ in range(3):
            assert "Wrong e-mail" in _login(client, USERS["editor"], "wrong password").text
        blocked = _login(client, USERS["editor"], PASSWORD)  # even the right password now waits
        assert blocked.status_code == 429
        assert 1 <= int(blocked.headers["retry-after"]) <= 61
        assert "Too many failed attempts" in blocked.text
        # Another e-mail from the same address is not blocked by these failures.
        assert _login(client, USERS["viewer"], PASSWORD).status_code == 303


def test_viewer_reads_but_cannot_edit(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient]
) -> None:
    c = sign_in("viewer")
    listing = c.get("/pain-points").text
    pid = re.search(r'href="/pain-points/([0-9a-f-]{36})"', listing)
    assert pid
    detail = c.get(f"/pain-points/{pid.group(1)}")
    assert detail.status_code == 200
    assert 'action="/pain-points/' not in detail.text  # no edit forms for a viewer
    token = csrf_of(detail.text)
    for path, data in (
        ("edit", {"label": "Hacked", "stage": "delivery", "status": "open"}),
        ("merge", {"source_ids": "x"}),
        ("split", {"parts": "2"}),
    ):
        r = c.post(f"/pain-points/{pid.group(1)}/{path}", data={**data, "csrf_token": token})
        assert r.status_code == 403, (path, r.text)
    assert "Hacked" not in c.get(f"/pain-points/{pid.group(1)}").text
    denied = c.get("/settings")
    assert denied.status_code == 403
    assert denied.headers["content-type"].startswith("text/html")  # the app's page, not the API's JSON
    assert "admin role" in denied.text and 'href="/pain-points"' in denied.text
    assert (
        c.post(
            "/settings/users",
            data={"email": "x@y.z", "password": "12345678", "role": "admin", "csrf_token": token},
        ).status_code
        == 403
    )


def test_create_user_command_reads_the_password_from_stdin(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from service.cli import app as cli
    from service.settings import get_settings
    from service.web.users import check_password

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("FRICTIONMAP_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        args = ["create-user", "--workspace", "acme", "--email", "Lead@Example.org", "--role", "admin"]
        ok = runner.invoke(cli, args, input="s3cret-passphrase\n")
        assert ok.exit_code == 0, ok.output
        again = runner.invoke(cli, args, input="s3cret-passphrase\n")
        assert again.exit_code == 2 and "already has an account" in again.output
        base = ["create-user", "--workspace", "acme"]
        short = runner.invoke(cli, [*base, "--email", "b@example.org"], input="short\n")
        assert short.exit_code == 2 and "password:" in short.output
        bad_role = runner.invoke(
            cli, [*base, "--email", "c@example.org", "--role", "owner"], input="long pw!!\n"
        )
        assert bad_role.exit_code == 2 and "role:" in bad_role.output
    finally:
        get_settings.cache_clear()
    with Session(engine) as s:
        user = s.exec(select(User).where(User.email == "lead@example.org")).one()
        assert user.role == "admin"
        assert user.password_hash.startswith("$argon2id$")
        assert "s3cret" not in user.password_hash
        assert check_password(user.password_hash, "s3cret-passphrase")
