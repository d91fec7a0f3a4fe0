"""PostgreSQL forms of ingest's statements: one array per column instead of one bind parameter per value.

Why (issue 14): a 500-row multi-row ``VALUES`` is 9,000 bind parameters. psycopg sends and PostgreSQL parses
and plans each of them, the SQL text changes with the chunk's length (no prepared-statement reuse), and big
``IN (...)`` lists of the erasure and duplicate look-ups did the same. Here each statement has one parameter
per *column*, an array, expanded server-side by ``unnest``; its text is constant, so psycopg prepares it once
per connection. SQLite has no arrays and keeps ``ingest._insert_ignoring_conflicts``' multi-row path.

Semantics are the multi-row path's: ``ON CONFLICT DO NOTHING`` skips a row whose unique key is stored (or
being stored by a concurrent transaction, which PostgreSQL waits for), including the second occurrence of a
key inside the batch, because the rows are inserted in array order (``WITH ORDINALITY ... ORDER BY``): the
first occurrence wins.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from service.models import FeedbackItem

_TABLE = FeedbackItem.__table__  # type: ignore[attr-defined]
# Column -> SQL array type of its parameter; jsonb travels as text and is cast per element (NULL stays NULL,
# as JSONType(none_as_null=True) stores None).
_ARRAY_TYPES = {
    "id": "varchar[]",
    "workspace_id": "varchar[]",
    "source": "varchar[]",
    "external_id": "varchar[]",
    "text": "text[]",
    "language": "varchar[]",
    "kind": "varchar[]",
    "rating": "float8[]",
    "nps": "int[]",
    "csat": "float8[]",
    "channel": "varchar[]",
    "segment": "varchar[]",
    "customer_hash": "varchar[]",
    "created_at": "timestamptz[]",
    "received_at": "timestamptz[]",
    "metadata": "text[]",
    "content_hash": "varchar[]",
    "redactions": "text[]",
}
_JSON_COLUMNS = ("metadata", "redactions")
_FLOAT_COLUMNS = ("rating", "csat")
assert set(_ARRAY_TYPES) == {c.name for c in _TABLE.c}, "insert_pg: a feedback_item column has no array type"

_COLUMNS = ", ".join(_ARRAY_TYPES)
_SELECTED = ", ".join(f"u.{c}::jsonb" if c in _JSON_COLUMNS else f"u.{c}" for c in _ARRAY_TYPES)
_ARRAYS = ", ".join(f"CAST(:{c} AS {t})" for c, t in _ARRAY_TYPES.items())
INSERT_SQL = text(
    f"INSERT INTO feedback_item ({_COLUMNS}) "
    f"SELECT {_SELECTED} FROM unnest({_ARRAYS}) WITH ORDINALITY AS u({_COLUMNS}, ord) ORDER BY u.ord "
    "ON CONFLICT DO NOTHING RETURNING id"
)
# Rows per statement: no bind-parameter limit applies to arrays; this only bounds one statement's memory.
CHUNK_ROWS = 5_000


def _column(rows: Sequence[Mapping[str, Any]], name: str, process: Any) -> list[Any]:
    values = [r[name] for r in rows]
    if name in _JSON_COLUMNS:
        return [None if v is None else json.dumps(v, ensure_ascii=False) for v in values]
    if name in _FLOAT_COLUMNS:  # psycopg types a list by its elements: no int/float mix
        return [None if v is None else float(v) for v in values]
    return [process(v) for v in values] if process is not None else values


def insert_ignoring_conflicts(session: Session, rows: Sequence[Mapping[str, Any]]) -> set[str]:
    """``INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING RETURNING id``; the ids inserted."""
    dialect = session.get_bind().dialect
    # The datetime columns' own bind processing (UTCDateTime: aware, converted to UTC).
    processors = {c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in _TABLE.c}
    inserted: set[str] = set()
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        params = {name: _column(chunk, name, processors[name]) for name in _ARRAY_TYPES}
        inserted.update(session.execute(INSERT_SQL, params).scalars())
    return inserted


EXISTING_BY_EXTERNAL_SQL = text(
    "SELECT f.id, f.source, f.external_id FROM feedback_item f "
    "JOIN unnest(CAST(:sources AS varchar[]), CAST(:external_ids AS varchar[])) AS k(source, external_id) "
    "ON f.source = k.source AND f.external_id = k.external_id WHERE f.workspace_id = :workspace_id"
)
EXISTING_BY_HASH_SQL = text(
    "SELECT id, content_hash FROM feedback_item WHERE workspace_id = :workspace_id "
    "AND external_id IS NULL AND content_hash = ANY(CAST(:hashes AS varchar[]))"
)


def existing_ids(
    session: Session, workspace_id: str, rows: Sequence[Mapping[str, Any]]
) -> dict[tuple[str, str, str], str]:
    """Stored ids of ``rows``' unique keys (``ingest._lock_key``): two statements whatever the batch size."""
    found: dict[tuple[str, str, str], str] = {}
    pairs = sorted({(r["source"], r["external_id"]) for r in rows if r["external_id"] is not None})
    hashes = sorted({r["content_hash"] for r in rows if r["external_id"] is None})
    if pairs:
        params = {
            "workspace_id": workspace_id,
            "sources": [p[0] for p in pairs],
            "external_ids": [p[1] for p in pairs],
        }
        for id_, source, external_id in session.execute(EXISTING_BY_EXTERNAL_SQL, params):
            found[("e", source, external_id)] = id_
    if hashes:
        params_h = {"workspace_id": workspace_id, "hashes": hashes}
        for id_, hash_ in session.execute(EXISTING_BY_HASH_SQL, params_h):
            found[("h", hash_, "")] = id_
    return found
