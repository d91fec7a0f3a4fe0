"""JSON text → Python values for bodies the routes parse themselves, without a number sinking the body.

Python refuses to turn an integer of more than 4,300 digits into an ``int`` (a ``ValueError`` from deep
in ``json.loads``), and ``1e999`` silently becomes ``inf``, which PostgreSQL's JSON type then refuses.
Keeping such numbers as their text lets the field's own rule name the problem (an id's ``max_length``,
a score's ``le``) on that one item, so a batch loses only the bad item. ``NaN`` and ``Infinity`` are not
JSON and are refused.
"""

from __future__ import annotations

import json
import math
from typing import Any

#: Digits kept as a number; anything longer is no sane id or score and stays text.
MAX_INT_DIGITS = 64


class NonStandardJSONError(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity`` in the body."""


def _int(text: str) -> int | str:
    return int(text) if len(text.lstrip("-")) <= MAX_INT_DIGITS else text


def _float(text: str) -> float | str:
    value = float(text)
    return value if math.isfinite(value) else text


def _constant(name: str) -> Any:
    raise NonStandardJSONError(f"{name} is not a JSON value")


def loads(text: str) -> Any:
    """``json.loads`` with the rules above; raises ``json.JSONDecodeError``, ``NonStandardJSONError`` or
    ``RecursionError``."""
    return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
