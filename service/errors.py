"""Pydantic validation errors → ``FieldError`` (field, rule, message), the one error vocabulary of the API.

Rule names are pydantic's error types, renamed where pydantic's name would puzzle an integrator
(``extra_forbidden`` → ``unknown_field``, ``less_than_equal`` → ``le``...).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from service.feedback.schemas import FieldError

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
}


def field_path(loc: Sequence[Any], prefix: Sequence[Any] = ()) -> str:
    parts = [str(p) for p in (*prefix, *loc) if p not in ("body",)]
    return ".".join(parts) or "body"


def to_field_errors(errors: Iterable[Any], prefix: Sequence[Any] = ()) -> list[FieldError]:
    """Convert ``ValidationError.errors()`` (or FastAPI's list) into ``FieldError``s."""
    out: list[FieldError] = []
    for err in errors:
        rule = _RULES.get(err.get("type", ""), err.get("type", "invalid"))
        message = str(err.get("msg", "invalid value"))
        out.append(FieldError(field=field_path(err.get("loc", ()), prefix), rule=rule, message=message))
    return out


def summary(errors: Sequence[FieldError]) -> str:
    """One line naming the first broken rules, e.g. ``text: must contain ... (not_blank)``."""
    head = "; ".join(f"{e.field}: {e.message} ({e.rule})" for e in errors[:3])
    more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
    return head + more
