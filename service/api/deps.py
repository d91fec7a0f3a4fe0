"""Dependencies injected into routes: settings, a database session, and the caller's workspace.

``CurrentWorkspace`` resolves the API key from ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. Routes
must filter every query on ``workspace.id``; an id from another workspace answers 404, never its data.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from service.api.errors import ApiError, field_error
from service.api.ratelimit import Limiter, bucket_key, limiter_for, retry_after
from service.models import Workspace
from service.settings import Settings
from service.workspaces.security import workspace_for_key

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <API key>`")
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="`X-API-Key: <API key>`")


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_db_session)]


def _authenticate(session: Session, key: str | None) -> Workspace:
    challenge = {"WWW-Authenticate": "Bearer"}
    if not key:
        err = field_error(401, "Authorization", "required", "an API key is required (Bearer or X-API-Key)")
        err.headers = challenge
        raise err
    workspace = workspace_for_key(session, key.strip())
    if workspace is None:
        err = field_error(401, "Authorization", "invalid_key", "unknown or revoked API key")
        err.headers = challenge
        raise err
    return workspace


_limiter_lock = threading.Lock()


def _limiter(request: Request) -> Limiter | None:
    state = request.app.state
    if not hasattr(state, "rate_limiter"):
        with _limiter_lock:
            if not hasattr(state, "rate_limiter"):
                state.rate_limiter = limiter_for(state.settings)
    limiter: Limiter | None = state.rate_limiter
    return limiter


def _check_rate(request: Request, key: str) -> None:
    limiter = _limiter(request)
    if limiter is None:
        return
    wait = limiter.acquire(bucket_key(key.strip()))
    if wait > 0:
        err = field_error(
            429, "Authorization", "rate_limit", f"too many requests for this API key; retry in {wait:.1f} s"
        )
        err.headers = {"Retry-After": retry_after(wait)}
        raise err


def get_current_workspace(
    request: Request,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key_header)],
) -> Workspace:
    """The key's workspace; then one token from the key's rate-limit bucket (429 when empty)."""
    key = bearer.credentials if bearer is not None else api_key
    workspace = _authenticate(session, key)
    _check_rate(request, key or "")
    return workspace


def _needs_workspace(dependant: Dependant) -> bool:
    return any(d.call is get_current_workspace or _needs_workspace(d) for d in dependant.dependencies)


def _key_from_headers(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials
    return request.headers.get("x-api-key")


def _check_key(request: Request, key: str | None) -> ApiError | None:
    with Session(request.app.state.engine) as session:
        try:
            _authenticate(session, key)
        except ApiError as err:
            return err
    return None


async def auth_error_before_body(request: Request) -> ApiError | None:
    """The 401 a request would get, for a body that failed to parse before the route's dependencies ran.

    FastAPI decodes a JSON body before it resolves dependencies, so without this a caller with no key
    learns how the body is read (400/422) before being told it is not authenticated. Called by the error
    handlers only on that failure path, so a good request still authenticates once.
    """
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not _needs_workspace(route.dependant):
        return None
    return await run_in_threadpool(_check_key, request, _key_from_headers(request))


CurrentWorkspace = Annotated[Workspace, Depends(get_current_workspace)]
