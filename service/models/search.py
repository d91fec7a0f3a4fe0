"""Schema objects of the verbatim search index that have no SQLModel table (migration ``0011_search_index``).

The SQLite FTS5 table (a virtual table and its shadow tables) and the PostgreSQL ``pg_trgm`` GIN index
(an operator class from an extension that may be missing) are created by the migration only, like the
triggers of 0007/0009; the tests build their databases by migrating, never with ``create_all``. Schema
comparisons (``migrations/env.py``, the model-vs-migration test) skip them by name through
:func:`compared_by_alembic`.
"""

from __future__ import annotations

FTS_TABLE = "feedback_item_fts"
MIGRATION_ONLY = frozenset(
    {FTS_TABLE}
    | {f"{FTS_TABLE}_{shadow}" for shadow in ("data", "idx", "content", "docsize", "config")}
    | {"ix_feedback_item_text_trgm"}
)


def compared_by_alembic(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name`` hook: False for the search index's objects, True for everything else."""
    return name not in MIGRATION_ONLY
