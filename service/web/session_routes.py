"""Sign-in and sign-out. Failed attempts are counted per e-mail and client address (429 past the limit)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from service.api.deps import SessionDep
from service.web.auth import CsrfChecked, login_throttle, new_session, read_session
from service.web.render import page, redirect
from service.web.users import authenticate, normalize_email

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only same-site paths: ``//host`` or ``https://host`` would make /login an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return page(request, "login.html", None, next=_safe_next(next), error=None, email="")


@router.post("/login", response_class=HTMLResponse, dependencies=[CsrfChecked])
def login(
    request: Request,
    db: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    throttle = login_throttle(request)
    key = (normalize_email(email), request.client.host if request.client else "?")
    wait = throttle.retry_after(key)
    if wait is not None:
        response = page(
            request,
            "login.html",
            None,
            429,
            next=_safe_next(next),
            email=email,
            error=("login.throttled", wait),
        )
        response.headers["Retry-After"] = str(wait)
        return response
    user = authenticate(db, email, password)
    # A refused sign-in re-renders the form with 200, as browsers expect of a form (a 4xx document is
    # logged as a console error); only the throttle answers 429, so scripts can back off.
    if user is None:
        throttle.failed(key)
        return page(
            request, "login.html", None, 200, next=_safe_next(next), email=email, error=("login.failed", 0)
        )
    throttle.succeeded(key)
    ws = new_session(request, user.id, read_session(request).lang)
    return redirect(request, _safe_next(next), ws)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request) -> Response:
    ws = new_session(request, None, read_session(request).lang)
    return redirect(request, "/login", ws)
