"""The one error shape of the API: ``{"detail": "...", "errors": [{"field", "rule", "message"}]}``.

Every 4xx — validation, auth, not found, body too large — uses it, so an integrator writes one error handler.
Unexpected exceptions become a 500 with the same shape and no internals (the traceback goes to the log).
Batch ingestion and imports report rejected items with the same ``FieldError`` vocabulary.

Rule names are pydantic's error types, renamed where pydantic's name would puzzle an integrator
(``extra_forbidden`` → ``unknown_field``, ``less_than_equal`` → ``le``...).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.analysis.read_freshness import SumsBuilding

logger = logging.getLogger(__name__)


class FieldError(BaseModel):
    """One broken rule, in the shape every 4xx of the API uses."""

    field: str = Field(description="Dotted path of the offending field, e.g. `items.2.rating` or `body`.")
    rule: str = Field(
        description="Machine-readable rule name, e.g. `required`, `max_length`, `le`, `unknown_field`."
    )
    message: str = Field(description="Human-readable explanation.")


class ErrorResponse(BaseModel):
    """Error body of every 4xx answer."""

    detail: str = Field(description="One-line summary of what went wrong.")
    errors: list[FieldError] = Field(default_factory=list, description="Each broken rule, naming the field.")


# --- pydantic validation errors -> FieldError -------------------------------------------------------------

_RULES = {
    "missing": "required",
    "extra_forbidden": "unknown_field",
    "string_too_long": "max_length",
    "string_too_short": "min_length",
    "too_long": "max_items",
    "too_short": "min_items",
    "less_than_equal": "le",
    "less_than": "lt",
    "greater_than_equal": "ge",
    "greater_than": "gt",
    "literal_error": "one_of",
    "datetime_from_date_parsing": "datetime",
    "datetime_parsing": "datetime",
    "datetime_type": "datetime",
    "int_parsing": "integer",
    "int_from_float": "integer",
    "int_type": "integer",
    "float_parsing": "number",
    "float_type": "number",
    "string_type": "string",
    "dict_type": "object",
    "model_type": "object",
    "model_attributes_type": "object",
    "list_type": "array",
    "json_invalid": "json",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
    "date_type": "date",
}


def field_path(loc: Sequence[Any], prefix: Sequence[Any] = ()) -> str:
    parts = [str(p) for p in (*prefix, *loc) if p not in ("body",)]
    return ".".join(parts) or "body"


def to_field_errors(errors: Iterable[Any], prefix: Sequence[Any] = ()) -> list[FieldError]:
    """Convert ``ValidationError.errors()`` (or FastAPI's list) into ``FieldError``s."""
    out: list[FieldError] = []
    for err in errors:
        kind = err.get("type", "")
        if kind in ("too_long", "too_short") and isinstance(err.get("input"), str):
            kind = "string_" + kind  # a constraint on an optional string reports the generic type
        rule = _RULES.get(kind, kind or "invalid")
        message = str(err.get("msg", "invalid value"))
        out.append(FieldError(field=field_path(err.get("loc", ()), prefix), rule=rule, message=message))
    return out


def summary(errors: Sequence[FieldError]) -> str:
    """One line naming the first broken rules, e.g. ``text: must contain ... (not_blank)``."""
    head = "; ".join(f"{e.field}: {e.message} ({e.rule})" for e in errors[:3])
    more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
    return head + more


# --- HTTP ---------------------------------------------------------------------------------------------------


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


def building_response(exc: SumsBuilding) -> JSONResponse:
    """A read of a workspace whose figures are being built for the first time (``read_freshness``): 503
    with ``Retry-After`` like a busy database (nothing changed, retry), told apart by
    ``X-Frictionmap-Building: true``."""
    headers = {"Retry-After": str(exc.retry_after_s), "X-Frictionmap-Building": "true"}
    return JSONResponse(error_body(str(exc)), status_code=503, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    async def _unauthenticated(request: Request) -> JSONResponse | None:
        from service.api.deps import auth_error_before_body  # deps builds on this module

        err = await auth_error_before_body(request)
        if err is None:
            return None
        return JSONResponse(error_body(err.detail, err.errors), status_code=401, headers=err.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and (denied := await _unauthenticated(request)):
            return denied
        errors = getattr(exc, "errors", None) or []
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return JSONResponse(error_body(detail, errors), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        if any(e.get("type") == "json_invalid" for e in exc.errors()) and (
            denied := await _unauthenticated(request)
        ):
            return denied
        raw = []
        for err in exc.errors():
            loc = list(err.get("loc", ()))
            if loc and loc[0] in _LOCATIONS and len(loc) > 1:
                loc = loc[1:]
            raw.append({**err, "loc": loc})
        errors = to_field_errors(raw)
        return JSONResponse(error_body(summary(errors), errors), status_code=422)

    @app.exception_handler(SumsBuilding)
    async def _sums_building(_request: Request, exc: SumsBuilding) -> JSONResponse:
        return building_response(exc)

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


# --- OpenAPI -----------------------------------------------------------------------------------------------

ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Body is not valid UTF-8 JSON.",
    401: "Missing, unknown or revoked API key (send `Authorization: Bearer <key>` or `X-API-Key: <key>`).",
    403: "Your API key or role does not allow this action.",
    404: "No such resource in your workspace.",
    409: "Conflicts with the current state; `errors` names the field and the rule (e.g. `unique`).",
    413: "Body larger than the configured limit (`FRICTIONMAP_MAX_BODY_BYTES`).",
    422: "A field breaks a rule; `errors` names each field and rule.",
    429: "Too many requests with this API key; wait `Retry-After` seconds, then retry.",
    503: "Database busy or unavailable, or (`X-Frictionmap-Building: true`) the workspace's figures are "
    "being built for the first time; nothing was stored. Retry after `Retry-After` seconds.",
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying the same request.",
        "schema": {"type": "integer"},
    }
}
_ERROR_REF = "#/components/schemas/ErrorResponse"


def error_responses(*codes: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entry documenting the error shape of ``codes`` for a route.

    ``descriptions`` (``e409="..."``) say what the code means on that route; 429 and 503 document the
    ``Retry-After`` header.
    """
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        entry: dict[str, Any] = {
            "model": ErrorResponse,
            "description": descriptions.get(f"e{code}", ERROR_DESCRIPTIONS.get(code, "Error.")),
        }
        if code in (429, 503):
            entry["headers"] = _RETRY_AFTER
        out[code] = entry
    return out


def _error_response(code: int) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "description": ERROR_DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": _ERROR_REF}}},
    }
    if code in (429, 503):
        entry["headers"] = _RETRY_AFTER
    return entry


def document_errors(paths: dict[str, Any]) -> None:
    """Declare, on every operation of the OpenAPI ``paths``, the errors the app's machinery can answer.

    Rather than repeating them on each route, they follow from what an operation is: any route can answer 503
    (database busy: nothing stored, retry); an API-key route 401 (no or bad key) and 429 (rate limit per key);
    a route with a body 400 (undecodable), 413 (body-size middleware) and 422; a route with parameters
    422; a route with a path id 404. Route-specific errors (409, 403) and better wording are declared on
    the route with ``error_responses`` and win over these.
    """
    for ops in paths.values():
        for op in ops.values():
            responses: dict[str, Any] = op.setdefault("responses", {})
            params = op.get("parameters", [])
            codes: set[int] = {503}  # a busy or unreachable database, on any route
            if op.get("security"):
                codes |= {401, 429}
            if "requestBody" in op:
                codes |= {400, 413, 422}  # 400: FastAPI could not decode the body
            if params:
                codes.add(422)
            if any(p.get("in") == "path" for p in params):
                codes.add(404)
            for code in sorted(codes):
                responses.setdefault(str(code), _error_response(code))
            if "422" in responses:  # FastAPI's own 422 text speaks of its HTTPValidationError
                responses["422"]["description"] = ERROR_DESCRIPTIONS[422]
