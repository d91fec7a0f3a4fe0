"""Schema objects that migrations create and no SQLModel table declares.

- The verbatim search index (``0011_search_index``): the SQLite FTS5 table (a virtual table and its shadow
  tables) and the PostgreSQL ``pg_trgm`` GIN index (an operator class from an extension that may be missing).
- The read sums' unique grain keys (``0009_read_sum_delta``): expression indexes whose NULL stand-in is
  spelled per dialect (``chr(1)`` / ``char(1)``), which a model's portable ``Index`` cannot express.

Like the triggers of 0007/0009 they exist only where the database was migrated; the tests build their
databases by migrating, never with ``create_all``. Schema comparisons (``migrations/env.py``, the
model-vs-migration test) skip them by name through :func:`compared_by_alembic`.
"""

from __future__ import annotations

FTS_TABLE = "feedback_item_fts"
SEARCH_OBJECTS = frozenset(
    {FTS_TABLE}
    | {f"{FTS_TABLE}_{shadow}" for shadow in ("data", "idx", "content", "docsize", "config")}
    | {"ix_feedback_item_text_trgm"}
)
READ_SUM_GRAIN_INDEXES = frozenset({"uq_read_item_sum_grain", "uq_read_unit_sum_grain"})
MIGRATION_ONLY = SEARCH_OBJECTS | READ_SUM_GRAIN_INDEXES


def compared_by_alembic(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name`` hook: False for the migration-only objects, True for everything else."""
    return name not in MIGRATION_ONLY
