"""One rule for every parameter and body field: text the database can store, else a 422 naming the field.

PostgreSQL text and JSONB cannot hold a NUL character, and no driver can encode a lone surrogate (JSON's
``"\\ud800"``). A NUL reached queries unchecked: ``?channel=%00``, ``/v1/feedback/%00``, a source ``name``,
an analysis ``scope.segment`` or a merge ``target_id`` holding ``"\\u0000"`` answered 500 on PostgreSQL
(SQLite, where Schemathesis runs, stored them). The feedback fields carry the rule per field (``CleanStr`` in
service/feedback/schemas.py); everything else gets it here, as one app-wide dependency, so that a field or
route added later cannot miss it. The rule names are the same: ``no_nul`` and ``utf8``; the field is the
parameter name or the body's dotted path (``scope.segment``).

Bodies are only decoded a second time when their bytes hold such an escape, so ingestion pays one regex scan.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from fastapi import Request

from nlp.text.storable import escaped, text_problem
from service.api.errors import ApiError, field_error

# A NUL escape, a high surrogate escape not followed by a low one, or a low one not preceded by a high one:
# escaped emoji (a valid pair, as Python's json.dumps writes them) do not cost a second parse.
_SUSPECT = re.compile(
    rb"\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}",
    re.IGNORECASE,
)
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _strings(value: Any) -> Iterator[tuple[str, str]]:
    """``(dotted path, text)`` of every string and key in a decoded JSON value (iteratively: no recursion)."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            yield path or "body", node
        elif isinstance(node, dict):
            for key, child in node.items():
                child_path = f"{path}.{key}" if path else str(key)
                yield child_path, str(key)
                stack.append((child_path, child))
        elif isinstance(node, list):
            stack.extend((f"{path}.{i}" if path else str(i), child) for i, child in enumerate(node))


async def _refuse(request: Request, field: str, problem: tuple[str, str]) -> ApiError:
    from service.api.deps import auth_error_before_body  # deps builds on the errors module, as this does

    denied = await auth_error_before_body(request)  # a caller without a key learns that first
    return denied if denied is not None else field_error(422, escaped(field), *problem)


async def reject_unstorable_input(request: Request) -> None:
    """Raise a 422 naming the first parameter or body field that holds a NUL or a lone surrogate."""
    params = [*request.path_params.items(), *request.query_params.multi_items()]
    for name, value in params:
        for text in (name, value):
            if isinstance(text, str) and (problem := text_problem(text)):
                raise await _refuse(request, name, problem)
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fields: Iterator[tuple[str, str]] | list[tuple[str, str]] = []
    if content_type.endswith("json"):
        body = await request.body()
        if not _SUSPECT.search(body):
            return
        try:
            fields = _strings(json.loads(body))
        except (ValueError, RecursionError):
            return  # FastAPI answers an invalid body itself
    elif content_type in _FORMS:
        form = await request.form()
        fields = [(k, text) for k, v in form.multi_items() if isinstance(v, str) for text in (k, v)]
    for name, text in fields:
        if problem := text_problem(text):
            raise await _refuse(request, name, problem)
