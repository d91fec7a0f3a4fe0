"""The one error shape of the API: ``{"detail": "...", "errors": [{"field", "rule", "message"}]}``.

Every 4xx — validation, auth, not found, body too large — uses it, so an integrator writes one error handler.
Unexpected exceptions become a 500 with the same shape and no internals (the traceback goes to the log).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.errors import summary, to_field_errors
from service.feedback.schemas import ErrorResponse, FieldError

logger = logging.getLogger(__name__)


class ApiError(HTTPException):
    """An HTTP error carrying field-level errors."""

    def __init__(
        self,
        status_code: int,
        detail: str,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code=status_code, detail=detail, headers=headers)
        self.errors = errors or []


def field_error(status_code: int, field: str, rule: str, message: str) -> ApiError:
    return ApiError(
        status_code, f"{field}: {message} ({rule})", [FieldError(field=field, rule=rule, message=message)]
    )


def error_body(detail: str, errors: list[FieldError] | None = None) -> dict[str, Any]:
    return ErrorResponse(detail=detail, errors=errors or []).model_dump()


_LOCATIONS = {"body", "query", "path", "header", "cookie"}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        errors = getattr(exc, "errors", None) or []
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return JSONResponse(error_body(detail, errors), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        raw = []
        for err in exc.errors():
            loc = list(err.get("loc", ()))
            if loc and loc[0] in _LOCATIONS and len(loc) > 1:
                loc = loc[1:]
            raw.append({**err, "loc": loc})
        errors = to_field_errors(raw)
        return JSONResponse(error_body(summary(errors), errors), status_code=422)

    @app.exception_handler(OperationalError)
    async def _database_unavailable(_request: Request, exc: OperationalError) -> JSONResponse:
        # Lock timeouts, deadlocks, a restarting server: nothing was committed, retrying is safe (idempotent).
        logger.warning("database operational error: %s", exc.orig)
        body = error_body("database busy or unavailable; nothing was stored, retry the request")
        return JSONResponse(body, status_code=503, headers={"Retry-After": "2"})

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", exc_info=exc)
        return JSONResponse(error_body("internal error; the request was not applied"), status_code=500)


#: ``responses=`` entry documenting the error shape for a route.
def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "Body is not valid UTF-8 JSON.",
        401: "Missing, unknown or revoked API key.",
        404: "No such resource in your workspace.",
        413: "Body larger than the configured limit.",
        422: "A field breaks a rule; `errors` names each field and rule.",
        503: "Not ready.",
    }
    return {c: {"model": ErrorResponse, "description": descriptions.get(c, "Error.")} for c in codes}
