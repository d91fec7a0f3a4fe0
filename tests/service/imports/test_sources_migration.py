"""The 0003_imports migration creates exactly what the SQLModel tables declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import service.models  # noqa: F401
from service.models import compared_by_alembic

# The read sums' unique grain keys are expression indexes whose NULL stand-in is spelled per dialect
# (``chr(1)`` / ``char(1)``, 0009_read_sum_delta), so no model declares them; autogenerate sees them on
# PostgreSQL only. They are checked by name below instead, and nothing else may differ.
MIGRATION_ONLY_INDEXES = {"uq_read_item_sum_grain", "uq_read_unit_sum_grain"}


def _is_migration_only(diff: object) -> bool:
    return (
        isinstance(diff, tuple)
        and diff[0] == "remove_index"
        and getattr(diff[1], "name", None) in MIGRATION_ONLY_INDEXES
    )


def test_migration_matches_source_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, SQLModel.metadata)

    def touches_sources(diff: object) -> bool:
        text = repr(diff)
        return "'source'" in text or "'source_run'" in text or "source_run" in text or "ix_source" in text

    ours = [d for d in diffs if touches_sources(d) and not _is_migration_only(d)]
    assert ours == []


def test_migrations_match_every_model(engine: Engine) -> None:
    """Model and migrations agree on the whole schema (tables, columns, types, indexes), on SQLite and
    PostgreSQL, so ``create_all`` in a notebook and ``upgrade head`` in production give the same database."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": compared_by_alembic}
        )
        diffs = compare_metadata(context, SQLModel.metadata)
    assert [d for d in diffs if not _is_migration_only(d)] == []
    # The inspector skips expression indexes on SQLite: ask the catalogue itself.
    catalogue = (
        "SELECT name FROM sqlite_master WHERE type = 'index'"
        if engine.dialect.name == "sqlite"
        else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    )
    with engine.connect() as conn:
        indexes = set(conn.execute(text(catalogue)).scalars())
    assert indexes >= MIGRATION_ONLY_INDEXES
