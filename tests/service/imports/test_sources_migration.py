"""The 0003_imports migration creates exactly what the SQLModel tables declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import service.models  # noqa: F401
from service.models import READ_SUM_GRAIN_INDEXES, compared_by_alembic


def test_migration_matches_source_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": compared_by_alembic}
        )
        diffs = compare_metadata(context, SQLModel.metadata)

    def touches_sources(diff: object) -> bool:
        text = repr(diff)
        return "'source'" in text or "'source_run'" in text or "source_run" in text or "ix_source" in text

    ours = [d for d in diffs if touches_sources(d)]
    assert ours == []


def test_migrations_match_every_model(engine: Engine) -> None:
    """Model and migrations agree on the whole schema (tables, columns, types, indexes), on SQLite and
    PostgreSQL, so ``create_all`` in a notebook and ``upgrade head`` in production give the same database."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": compared_by_alembic}
        )
        diffs = compare_metadata(context, SQLModel.metadata)
    assert diffs == []
    # Skipped by name above, so checked here; the inspector skips expression indexes on SQLite: ask the
    # catalogue itself.
    catalogue = (
        "SELECT name FROM sqlite_master WHERE type = 'index'"
        if engine.dialect.name == "sqlite"
        else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    )
    with engine.connect() as conn:
        indexes = set(conn.execute(text(catalogue)).scalars())
    assert indexes >= READ_SUM_GRAIN_INDEXES
