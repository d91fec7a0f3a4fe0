"""An index for the web app's verbatim search (``service.web.summary_insights.search_in_scope``): a case-
insensitive substring match ``text ILIKE '%q%'`` that otherwise reads every item text of the workspace.

- PostgreSQL: a ``pg_trgm`` GIN index on ``feedback_item.text`` (``gin_trgm_ops``), which the planner uses for
  ``ILIKE '%q%'`` as is (no query change). The extension is created in ``public`` when missing (a trusted
  extension since PostgreSQL 13, so the database owner may create it). Where it cannot be created (no
  permission, not installed) the migration warns and goes on: search stays a scan, with the same results.
- SQLite (>= 3.34): an FTS5 ``trigram`` table over ``feedback_item(text)`` with external content (it stores
  the index, not a second copy of the texts), kept in sync by triggers on insert, delete and update of
  ``text`` in the writer's transaction, and backfilled here. Erasures delete rows, so the delete trigger
  removes their trigrams from what the index answers; where FTS5's ``secure-delete`` exists (SQLite >= 3.42)
  it is turned on so they also leave the file at once (older versions: ``service.feedback.search_index``
  merges the index after an erasure). Older SQLite, or a build without FTS5: no table, and the search keeps
  its plain scan (``search_index.available``).

These objects are migration-only, like the triggers of 0007/0009: ``service.models.MIGRATION_ONLY`` names
them for the schema comparison.

Revision ID: 0011_search_index
Revises: 0010_theme_reads
Create Date: 2026-12-06
"""

import logging
import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_search_index"
down_revision: str | Sequence[str] | None = "0010_theme_reads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

FTS = "feedback_item_fts"
PG_INDEX = "ix_feedback_item_text_trgm"
TRIGGERS = ("fm_search_ins", "fm_search_del", "fm_search_upd")
_DELETE = f"INSERT INTO {FTS} ({FTS}, rowid, text) VALUES ('delete', OLD.rowid, OLD.text);"
_INSERT = f"INSERT INTO {FTS} (rowid, text) VALUES (NEW.rowid, NEW.text);"


def _trgm_schema(conn: sa.Connection) -> str | None:
    return conn.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'pg_trgm'"
        )
    ).scalar_one_or_none()


def _upgrade_postgresql(conn: sa.Connection) -> None:
    schema = _trgm_schema(conn)
    if schema is None:
        try:
            with conn.begin_nested():  # a failure must not abort the migration's transaction
                conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
        except sa.exc.DBAPIError as exc:
            log.warning("pg_trgm unavailable (%s): verbatim search stays unindexed", exc.orig)
        schema = _trgm_schema(conn)  # a concurrent migration may have created it meanwhile
        if schema is None:
            return
    try:
        with conn.begin_nested():
            conn.execute(
                sa.text(f'CREATE INDEX {PG_INDEX} ON feedback_item USING gin (text "{schema}".gin_trgm_ops)')
            )
    except sa.exc.DBAPIError as exc:
        log.warning("trigram index not created (%s): verbatim search stays unindexed", exc.orig)


def _upgrade_sqlite(conn: sa.Connection) -> None:
    if sqlite3.sqlite_version_info < (3, 34, 0):
        log.warning("SQLite %s has no FTS5 trigram tokenizer: verbatim search stays unindexed", sqlite3.sqlite_version)
        return
    try:
        with conn.begin_nested():
            conn.execute(
                sa.text(
                    f"CREATE VIRTUAL TABLE {FTS} USING fts5(text, content='feedback_item',"
                    " content_rowid='rowid', tokenize='trigram')"
                )
            )
    except sa.exc.OperationalError as exc:  # a build without FTS5
        log.warning("FTS5 unavailable (%s): verbatim search stays unindexed", exc.orig)
        return
    if sqlite3.sqlite_version_info >= (3, 42, 0):
        conn.execute(sa.text(f"INSERT INTO {FTS} ({FTS}, rank) VALUES ('secure-delete', 1)"))
    conn.execute(sa.text(f"CREATE TRIGGER fm_search_ins AFTER INSERT ON feedback_item BEGIN {_INSERT} END"))
    conn.execute(sa.text(f"CREATE TRIGGER fm_search_del AFTER DELETE ON feedback_item BEGIN {_DELETE} END"))
    conn.execute(
        sa.text(f"CREATE TRIGGER fm_search_upd AFTER UPDATE OF text ON feedback_item BEGIN {_DELETE} {_INSERT} END")
    )
    conn.execute(sa.text(f"INSERT INTO {FTS} ({FTS}) VALUES ('rebuild')"))  # the existing rows


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _upgrade_postgresql(conn)
    else:
        _upgrade_sqlite(conn)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")  # the extension stays: other objects may use it
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {FTS}")
