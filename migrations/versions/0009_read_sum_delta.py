"""Read sums by delta: a journal of appended items, units and first pain-point assignments per workspace, an
``invalidated_version`` that marks the writes a delta cannot apply, and unique grain keys so that a delta is
an UPSERT (``service/analysis/view_delta.py``).

The triggers of 0007 are replaced: they still bump ``workspace_data_version`` on every write the sums see
(and now on a unit's ``sentiment`` too, which keys the ``sent`` sums), and additionally

- journal an INSERT of an item (``item``) or a unit (``unit``), and an UPDATE of a unit that only sets its
  pain point where it had none (``assign``, what incremental assignment does);
- set ``invalidated_version`` to the new version on every other change (a DELETE, an UPDATE that changes a
  watched column otherwise), which makes the next build a full one.

Revision ID: 0009_read_sum_delta
Revises: 0008_theme_name_edited
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_read_sum_delta"
down_revision: str | Sequence[str] | None = "0008_theme_name_edited"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ITEM_COLUMNS = ("workspace_id", "created_at", "rating", "nps", "csat", "channel", "source", "segment", "language")
UNIT_COLUMNS = (
    "workspace_id",
    "feedback_id",
    "pain_point_id",
    "sentiment_score",
    "emotion",
    "effort",
    "stage",
    "sentiment",
)
OLD_UNIT_COLUMNS = UNIT_COLUMNS[:-1]  # 0007's
WATCHED = {"feedback_item": ITEM_COLUMNS, "opinion_unit": UNIT_COLUMNS}
APPEND_KIND = {"feedback_item": "item", "opinion_unit": "unit"}
# The grain key of both sum tables; NULL channel / segment compare equal through the same coalesce in the
# UPSERT's conflict target (``view_delta.grain_key``). chr(1) / char(1): a value no channel or segment has.
NULLABLE = ("channel", "segment")
SUM_TABLES = ("read_item_sum", "read_unit_sum")


def _grain_key(dialect: str) -> str:
    null = "chr(1)" if dialect == "postgresql" else "char(1)"
    cols = ["workspace_id", "grain", "kind", "key", "day", "channel", "source", "segment", "language"]
    return ", ".join(f"coalesce({c}, {null})" if c in NULLABLE else c for c in cols)


def _same(old: str, new: str, columns: Sequence[str], dialect: str) -> str:
    op_ = "IS NOT DISTINCT FROM" if dialect == "postgresql" else "IS"
    return "(" + " AND ".join(f"{old}.{c} {op_} {new}.{c}" for c in columns) + ")"


def _assign(old: str, new: str, dialect: str) -> str:
    """Only the pain point set where there was none: the unit's pp/sent/emo sums are added, nothing else."""
    rest = [c for c in UNIT_COLUMNS if c != "pain_point_id"]
    return (
        f"({old}.pain_point_id IS NULL AND {new}.pain_point_id IS NOT NULL AND {_same(old, new, rest, dialect)})"
    )


def _sqlite_bump(row: str, invalidate: str) -> str:
    return (
        f"INSERT OR IGNORE INTO workspace_data_version (workspace_id, version, invalidated_version)"
        f" VALUES ({row}.workspace_id, 0, 0);"
        f" UPDATE workspace_data_version SET version = version + 1, invalidated_version ="
        f" CASE WHEN {invalidate} THEN version + 1 ELSE invalidated_version END"
        f" WHERE workspace_id = {row}.workspace_id;"
    )


def _sqlite_triggers() -> list[str]:
    out = []
    for table, columns in WATCHED.items():
        journal = (
            "INSERT INTO read_sum_journal (workspace_id, kind, row_id, claimed)"
            f" VALUES (NEW.workspace_id, '{APPEND_KIND[table]}', NEW.id, 0);"
        )
        out.append(
            f"CREATE TRIGGER fm_{table}_ins AFTER INSERT ON {table}"
            f" BEGIN {_sqlite_bump('NEW', '0')} {journal} END"
        )
        out.append(f"CREATE TRIGGER fm_{table}_del AFTER DELETE ON {table} BEGIN {_sqlite_bump('OLD', '1')} END")
        keep = _same("OLD", "NEW", columns, "sqlite")
        if table == "opinion_unit":
            keep = f"({keep} OR {_assign('OLD', 'NEW', 'sqlite')})"
            assign = (
                "INSERT INTO read_sum_journal (workspace_id, kind, row_id, claimed)"
                f" SELECT NEW.workspace_id, 'assign', NEW.id, 0 WHERE {_assign('OLD', 'NEW', 'sqlite')};"
            )
        else:
            assign = ""
        out.append(
            f"CREATE TRIGGER fm_{table}_upd AFTER UPDATE OF {', '.join(columns)} ON {table}"
            f" BEGIN {_sqlite_bump('OLD', f'NOT {keep}')} {_sqlite_bump('NEW', f'NOT {keep}')} {assign} END"
        )
    return out


_PG_BUMP = """
    INSERT INTO workspace_data_version AS v (workspace_id, version, invalidated_version)
    SELECT ws, 1, max(inval) FROM ({rows}) AS c GROUP BY ws ORDER BY ws
    ON CONFLICT (workspace_id) DO UPDATE SET version = v.version + 1,
        invalidated_version = CASE WHEN excluded.invalidated_version > 0 THEN v.version + 1
                                   ELSE v.invalidated_version END;
"""


def _pg_functions() -> list[str]:
    """Statement-level triggers with transition tables: one bump per statement and workspace, the journal
    rows in one INSERT … SELECT."""
    out = [
        "CREATE OR REPLACE FUNCTION fm_rs_append() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + _PG_BUMP.format(rows="SELECT workspace_id AS ws, 0 AS inval FROM changed")
        + " INSERT INTO read_sum_journal (workspace_id, kind, row_id, claimed)"
        " SELECT workspace_id, TG_ARGV[0], id, false FROM changed;"
        " RETURN NULL; END $$",
        "CREATE OR REPLACE FUNCTION fm_rs_invalidate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + _PG_BUMP.format(rows="SELECT workspace_id AS ws, 1 AS inval FROM changed")
        + " RETURN NULL; END $$",
    ]
    for table, columns in WATCHED.items():
        keep = _same("o", "n", columns, "postgresql")
        journal = ""
        if table == "opinion_unit":
            keep = f"({keep} OR {_assign('o', 'n', 'postgresql')})"
            journal = (
                " INSERT INTO read_sum_journal (workspace_id, kind, row_id, claimed)"
                " SELECT n.workspace_id, 'assign', n.id, false FROM old_rows o JOIN new_rows n ON n.id = o.id"
                f" WHERE {_assign('o', 'n', 'postgresql')};"
            )
        inval = f"CASE WHEN {keep} THEN 0 ELSE 1 END"
        rows = (
            f"SELECT o.workspace_id AS ws, {inval} AS inval FROM old_rows o JOIN new_rows n ON n.id = o.id"
            f" UNION ALL SELECT n.workspace_id, {inval} FROM old_rows o JOIN new_rows n ON n.id = o.id"
        )
        out.append(
            f"CREATE OR REPLACE FUNCTION fm_rs_{table}_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + _PG_BUMP.format(rows=rows)
            + journal
            + " RETURN NULL; END $$"
        )
    return out


def _pg_triggers() -> list[str]:
    out = _pg_functions()
    for table in WATCHED:
        out += [
            f"CREATE TRIGGER fm_{table}_ins AFTER INSERT ON {table} REFERENCING NEW TABLE AS changed"
            f" FOR EACH STATEMENT EXECUTE FUNCTION fm_rs_append('{APPEND_KIND[table]}')",
            f"CREATE TRIGGER fm_{table}_del AFTER DELETE ON {table} REFERENCING OLD TABLE AS changed"
            " FOR EACH STATEMENT EXECUTE FUNCTION fm_rs_invalidate()",
            f"CREATE TRIGGER fm_{table}_upd AFTER UPDATE ON {table}"
            " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
            f" FOR EACH STATEMENT EXECUTE FUNCTION fm_rs_{table}_upd()",
        ]
    return out


def _drop_triggers(dialect: str) -> None:
    for table in WATCHED:
        for suffix in ("ins", "del", "upd"):
            if dialect == "postgresql":
                op.execute(f"DROP TRIGGER IF EXISTS fm_{table}_{suffix} ON {table}")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS fm_{table}_{suffix}")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("workspace_data_version") as batch:
        batch.add_column(sa.Column("invalidated_version", sa.Integer, nullable=False, server_default="0"))
    # Sums built before this revision had no journal: the first build after it is a full one.
    op.execute("UPDATE workspace_data_version SET invalidated_version = version")
    op.create_table(
        "read_sum_journal",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("row_id", sa.String(36), nullable=False),
        sa.Column("claimed", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_read_sum_journal_ws_row", "read_sum_journal", ["workspace_id", "row_id"])
    for table in SUM_TABLES:
        op.execute(f"CREATE UNIQUE INDEX uq_{table}_grain ON {table} ({_grain_key(dialect)})")
    _drop_triggers(dialect)
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS fm_bump_data_version()")
    for ddl in _pg_triggers() if dialect == "postgresql" else _sqlite_triggers():
        op.execute(ddl)


def _old_sqlite_triggers() -> list[str]:
    bump = (
        "INSERT OR IGNORE INTO workspace_data_version (workspace_id, version) VALUES ({row}.workspace_id, 0);"
        " UPDATE workspace_data_version SET version = version + 1 WHERE workspace_id = {row}.workspace_id;"
    )
    out = []
    for table, columns in (("feedback_item", ITEM_COLUMNS), ("opinion_unit", OLD_UNIT_COLUMNS)):
        out.append(f"CREATE TRIGGER fm_{table}_ins AFTER INSERT ON {table} BEGIN {bump.format(row='NEW')} END")
        out.append(f"CREATE TRIGGER fm_{table}_del AFTER DELETE ON {table} BEGIN {bump.format(row='OLD')} END")
        out.append(
            f"CREATE TRIGGER fm_{table}_upd AFTER UPDATE OF {', '.join(columns)} ON {table}"
            f" BEGIN {bump.format(row='OLD')} {bump.format(row='NEW')} END"
        )
    return out


_OLD_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION fm_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO workspace_data_version (workspace_id, version)
    SELECT DISTINCT workspace_id, 1 FROM changed ORDER BY workspace_id
    ON CONFLICT (workspace_id) DO UPDATE SET version = workspace_data_version.version + 1;
    RETURN NULL;
END $$
"""


def downgrade() -> None:
    """Back to 0007's triggers (version bumps only)."""
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect)
    for table in SUM_TABLES:
        op.execute(f"DROP INDEX IF EXISTS uq_{table}_grain")
    op.drop_index("ix_read_sum_journal_ws_row", table_name="read_sum_journal")
    op.drop_table("read_sum_journal")
    # Before the triggers that name the table: SQLite's batch mode recreates and renames it.
    with op.batch_alter_table("workspace_data_version") as batch:
        batch.drop_column("invalidated_version")
    if dialect == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP FUNCTION IF EXISTS fm_rs_{table}_upd()")
        op.execute("DROP FUNCTION IF EXISTS fm_rs_append()")
        op.execute("DROP FUNCTION IF EXISTS fm_rs_invalidate()")
        op.execute(_OLD_PG_FUNCTION)
        for table in WATCHED:
            for event, ref in (("INSERT", "NEW"), ("DELETE", "OLD"), ("UPDATE", "NEW")):
                op.execute(
                    f"CREATE TRIGGER fm_{table}_{event.lower()[:3]} AFTER {event} ON {table}"
                    f" REFERENCING {ref} TABLE AS changed FOR EACH STATEMENT"
                    " EXECUTE FUNCTION fm_bump_data_version()"
                )
    else:
        for ddl in _old_sqlite_triggers():
            op.execute(ddl)
