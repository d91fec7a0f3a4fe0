"""The error answers every operation can give, written into the OpenAPI document in one place.

Some of them come from layers a route does not see — the body-size middleware (413), FastAPI's body decoding
(400), authentication (401), the rate limiter (429), a busy database (503) — so documenting them route by
route misses some, and a client generated from the document (or Schemathesis' ``status_code_conformance``)
then meets a status code it was never told about.
"""

from __future__ import annotations

from typing import Any

from service.api.errors import error_responses

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def _codes(operation: dict[str, Any]) -> list[int]:
    codes = [503]
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        codes.append(404)  # an id that is not (or no longer) in the caller's workspace
    if operation.get("security"):
        codes += [401, 429]
    if operation.get("parameters") or "requestBody" in operation:
        codes.append(422)
    if "requestBody" in operation:
        codes += [400, 413]
    return codes


def document_error_responses(schema: dict[str, Any]) -> None:
    """Add the shared error answers (``ErrorResponse`` body) an operation lacks; existing entries stay."""
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code, entry in error_responses(*_codes(operation)).items():
                if str(code) in responses:
                    continue
                responses[str(code)] = {
                    "description": entry["description"],
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}
                    },
                }
