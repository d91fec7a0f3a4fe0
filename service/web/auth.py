"""Web sessions: a signed cookie, a CSRF token per session, role checks and the sign-in throttle.

The cookie holds ``{"u": user id or None, "c": CSRF token, "l": language}`` signed with ``itsdangerous``
(already a Starlette dependency) and a timestamp, so it cannot be forged or kept beyond
``session_max_age_s``. It is HttpOnly and SameSite=Lax. Forms echo the token in a hidden ``csrf_token`` field
(htmx sends it as ``X-CSRF-Token``); a POST whose token does not match the cookie's is refused with 403
(synchronizer token: a third-party page can make the browser send the cookie, never read the token).
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session

from service.api.deps import SessionDep
from service.models import User, Workspace
from service.settings import Settings

COOKIE = "fm_session"
ROLE_RANK = {"viewer": 0, "editor": 1, "admin": 2}
_secret_lock = threading.Lock()


def session_secret(settings: Settings) -> str:
    """``settings.session_secret``, else one generated once and kept (mode 0600) under ``data_dir``, so
    sessions survive restarts without anyone having to invent a key."""
    if settings.session_secret:
        return settings.session_secret
    path = settings.data_dir / "session_secret"
    with _secret_lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process (a second worker) wrote it first: use theirs
                pass
            else:
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_urlsafe(48))
        return path.read_text().strip()


@dataclass
class WebSession:
    csrf: str
    user_id: str | None = None
    lang: str | None = None
    changed: bool = False

    def payload(self) -> dict[str, Any]:
        return {"u": self.user_id, "c": self.csrf, "l": self.lang}


def _serializer(request: Request) -> URLSafeTimedSerializer:
    cached = getattr(request.app.state, "web_serializer", None)
    if cached is None:
        cached = URLSafeTimedSerializer(session_secret(request.app.state.settings), salt="fm-web-session")
        request.app.state.web_serializer = cached
    return cached


def read_session(request: Request) -> WebSession:
    """The request's session (cached on the request), or a fresh anonymous one with a new CSRF token."""
    cached: WebSession | None = getattr(request.state, "web_session", None)
    if cached is not None:
        return cached
    settings: Settings = request.app.state.settings
    raw = request.cookies.get(COOKIE)
    ws: WebSession | None = None
    if raw:
        try:
            data = _serializer(request).loads(raw, max_age=settings.session_max_age_s)
            if isinstance(data, dict) and isinstance(data.get("c"), str):
                ws = WebSession(csrf=data["c"], user_id=data.get("u"), lang=data.get("l"))
        except BadSignature:
            ws = None
    if ws is None:
        ws = WebSession(csrf=secrets.token_urlsafe(32), changed=True)
    request.state.web_session = ws
    return ws


def write_session(request: Request, response: Response, ws: WebSession) -> None:
    """Set the cookie when the session changed (new, signed in or out, language picked)."""
    if not ws.changed:
        return
    settings: Settings = request.app.state.settings
    response.set_cookie(
        COOKIE,
        _serializer(request).dumps(ws.payload()),
        max_age=settings.session_max_age_s,
        httponly=True,
        samesite="lax",
        secure=settings.session_cookie_secure,
        path="/",
    )


def new_session(request: Request, user_id: str | None, lang: str | None) -> WebSession:
    """A session with a new CSRF token, at sign-in and sign-out (no token outlives a change of user)."""
    ws = WebSession(csrf=secrets.token_urlsafe(32), user_id=user_id, lang=lang, changed=True)
    request.state.web_session = ws
    return ws


async def check_csrf(request: Request) -> None:
    """403 unless the form's ``csrf_token`` (or the ``X-CSRF-Token`` header) matches the session's."""
    ws = read_session(request)
    sent = request.headers.get("x-csrf-token")
    if not sent:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, ws.csrf):
        raise HTTPException(403, "the form has expired or did not come from this site; reload and retry")


CsrfChecked = Depends(check_csrf)


@dataclass
class WebUser:
    user: User
    workspace: Workspace
    session: WebSession

    @property
    def role(self) -> str:
        return self.user.role

    def can(self, role: str) -> bool:
        return ROLE_RANK.get(self.user.role, -1) >= ROLE_RANK[role]


def _login_redirect(request: Request) -> HTTPException:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    from urllib.parse import quote

    return HTTPException(303, "sign in first", headers={"Location": f"/login?next={quote(target, safe='')}"})


def current_user(request: Request, db: SessionDep) -> WebUser:
    """The signed-in user, or a redirect to ``/login`` (303) that comes back here afterwards."""
    ws = read_session(request)
    user = db.get(User, ws.user_id) if ws.user_id else None
    workspace = db.get(Workspace, user.workspace_id) if user else None
    if user is None or workspace is None:
        raise _login_redirect(request)
    lang = request.query_params.get("lang")
    if lang in ("en", "fr") and user.language != lang:  # the user's choice follows them to other devices
        user.language = lang
        db.add(user)
        db.commit()
        db.refresh(user)
    return WebUser(user, workspace, ws)


CurrentUser = Annotated[WebUser, Depends(current_user)]


class RoleRequired(HTTPException):
    """403 for a signed-in user whose role is too low: carries the user, so the web app answers with its own
    page (navigation, language, a way back) rather than the API's JSON error body."""

    def __init__(self, user: WebUser, role: str) -> None:
        super().__init__(403, f"this needs the {role} role; you are {user.role}")
        self.user = user
        self.role = role


def require(role: str) -> Any:
    """Dependency: the signed-in user if their role is at least ``role``, else 403 (an HTML page)."""

    def dep(user: CurrentUser) -> WebUser:
        if not user.can(role):
            raise RoleRequired(user, role)
        return user

    return Depends(dep)


@dataclass
class LoginThrottle:
    """Failed sign-ins per (e-mail, client address) in a sliding window, in this process.

    In-process is enough for the one-process server ``frictionmap serve`` runs; it resets on restart, which
    costs an attacker a restart per ``max_attempts`` guesses."""

    max_attempts: int
    window_s: float
    _failures: dict[tuple[str, str], deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window_s:
            q.popleft()
        return q

    def retry_after(self, key: tuple[str, str]) -> int | None:
        """Seconds until the next attempt is allowed, or None when it is allowed now."""
        now = time.monotonic()
        with self._lock:
            q = self._recent(key, now)
            if len(q) < self.max_attempts:
                return None
            return max(1, int(q[0] + self.window_s - now) + 1)

    def failed(self, key: tuple[str, str]) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(key, now).append(now)
            if len(self._failures) > 100_000:  # bound memory under a spray of made-up e-mails
                self._failures.clear()

    def succeeded(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)


def login_throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle | None = getattr(request.app.state, "web_login_throttle", None)
    if throttle is None:
        settings: Settings = request.app.state.settings
        throttle = LoginThrottle(settings.login_max_attempts, settings.login_window_s)
        request.app.state.web_login_throttle = throttle
    return throttle


def db_user(db: Session, user_id: str) -> User | None:
    return db.get(User, user_id)
