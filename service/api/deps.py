"""Dependencies injected into routes: settings, a database session, and the caller's workspace.

``CurrentWorkspace`` resolves the API key from ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. Routes
must filter every query on ``workspace.id``; an id from another workspace answers 404, never its data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from service.api.errors import field_error
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


def get_current_workspace(
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key_header)],
) -> Workspace:
    key = bearer.credentials if bearer is not None else api_key
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


CurrentWorkspace = Annotated[Workspace, Depends(get_current_workspace)]
