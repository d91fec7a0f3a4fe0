"""Text a database can store: no NUL character, no lone surrogate. One rule for every validated input.

PostgreSQL text and JSONB refuse a NUL, and no driver encodes a lone surrogate (JSON's ``"\\ud800"``); SQLite
stores a NUL, so a test on SQLite alone never sees the 500 either one causes on PostgreSQL. The rule names
(``no_nul``, ``utf8``) are the ones the API reports (service/feedback/schemas.py, service/api/input_guard.py).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError


def text_problem(text: str) -> tuple[str, str] | None:
    """``(rule, message)`` when ``text`` cannot be stored, else None (a lone surrogate is named first)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "utf8", "must be valid UTF-8 text (unpaired surrogate found)"
    if "\x00" in text:
        return "no_nul", "must not contain NUL characters"
    return None


def escaped(text: str) -> str:
    """``text`` as a database and a JSON answer can hold it, to quote it back: a lone surrogate written as
    ``\\udXXX``, a NUL as ``\\x00``; storable text unchanged."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def storable(text: str) -> str:
    """Pydantic validator: ``text`` unchanged, or a ``no_nul`` / ``utf8`` error naming the rule."""
    if problem := text_problem(text):
        raise PydanticCustomError(*problem)
    return text


StorableStr = Annotated[str, AfterValidator(storable)]
