"""One rule for every path and query parameter: no NUL character (``%00``), a 422 naming the parameter.

PostgreSQL text cannot hold NUL, so a NUL in any parameter that reaches a query (an id in the path, a
``channel`` or ``q`` filter, on the API and on the web pages alike) raised ``DataError``: a 500 on PostgreSQL,
while SQLite answered normally (so Schemathesis, which runs on SQLite, never saw it). Bodies already carry the
rule per field (``CleanStr`` in service/feedback/schemas.py, rule ``no_nul``); parameters get it here, as an
app-wide dependency, so that a route added later cannot miss it.
"""

from __future__ import annotations

from fastapi import Request

from service.api.errors import field_error

RULE = "no_nul"
MESSAGE = "must not contain NUL characters"


def reject_nul_parameters(request: Request) -> None:
    """Raise a 422 ``no_nul`` naming the first path or query parameter that holds a NUL."""
    for name, value in request.path_params.items():
        if isinstance(value, str) and "\x00" in value:
            raise field_error(422, name, RULE, MESSAGE)
    for name, value in request.query_params.multi_items():
        if "\x00" in name or "\x00" in value:
            raise field_error(422, name.replace("\x00", "\\x00"), RULE, MESSAGE)
