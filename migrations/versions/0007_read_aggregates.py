"""Stored read aggregates (per day x channel x source x segment x language sums of items and units, by pain
point and by stage), the per-workspace data version bumped by triggers, and the version the sums were built at.

Revision ID: 0007_read_aggregates
Revises: 0006_names_themes
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_read_aggregates"
down_revision: str | Sequence[str] | None = "0006_names_themes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)

# Columns whose change alters what the read aggregates count (an UPDATE of others, e.g. an item's text or
# a unit's embedding, leaves them valid and does not bump the version).
ITEM_COLUMNS = ("workspace_id", "created_at", "rating", "nps", "csat", "channel", "source", "segment", "language")
UNIT_COLUMNS = ("workspace_id", "feedback_id", "pain_point_id", "sentiment_score", "emotion", "effort", "stage")
WATCHED = {"feedback_item": ITEM_COLUMNS, "opinion_unit": UNIT_COLUMNS}


def _dims() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(36), nullable=False),
        sa.Column("grain", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("channel", sa.String(100), nullable=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("segment", sa.String(100), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
    ]


def _sqlite_triggers() -> list[str]:
    bump = (
        "INSERT OR IGNORE INTO workspace_data_version (workspace_id, version) VALUES ({row}.workspace_id, 0);"
        " UPDATE workspace_data_version SET version = version + 1 WHERE workspace_id = {row}.workspace_id;"
    )
    out = []
    for table, columns in WATCHED.items():
        out.append(
            f"CREATE TRIGGER fm_{table}_ins AFTER INSERT ON {table} BEGIN {bump.format(row='NEW')} END"
        )
        out.append(
            f"CREATE TRIGGER fm_{table}_del AFTER DELETE ON {table} BEGIN {bump.format(row='OLD')} END"
        )
        out.append(
            f"CREATE TRIGGER fm_{table}_upd AFTER UPDATE OF {', '.join(columns)} ON {table}"
            f" BEGIN {bump.format(row='OLD')} {bump.format(row='NEW')} END"
        )
    return out


_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION fm_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO workspace_data_version (workspace_id, version)
    SELECT DISTINCT workspace_id, 1 FROM changed ORDER BY workspace_id
    ON CONFLICT (workspace_id) DO UPDATE SET version = workspace_data_version.version + 1;
    RETURN NULL;
END $$
"""


def _pg_triggers() -> list[str]:
    """Statement-level triggers with transition tables: one bump per statement, not per row (a batch insert
    of 1,000 items is one UPDATE of the counter)."""
    out = [_PG_FUNCTION]
    for table in WATCHED:
        for event, ref in (("INSERT", "NEW"), ("DELETE", "OLD"), ("UPDATE", "NEW")):
            out.append(
                f"CREATE TRIGGER fm_{table}_{event.lower()[:3]} AFTER {event} ON {table}"
                f" REFERENCING {ref} TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fm_bump_data_version()"
            )
    return out


def upgrade() -> None:
    op.create_table(
        "workspace_data_version",
        sa.Column("workspace_id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "read_sum_state",
        sa.Column("workspace_id", sa.String(36), primary_key=True),
        sa.Column("built_version", sa.Integer, nullable=False),
        sa.Column("built_at", TS, nullable=True),
    )
    op.create_table(
        "read_item_sum",
        *_dims(),
        sa.Column("n_items", sa.Integer, nullable=False),
        sa.Column("rating_n", sa.Integer, nullable=False),
        sa.Column("rating_sum", sa.Float, nullable=False),
        sa.Column("rating_sq", sa.Float, nullable=False),
        sa.Column("nps_n", sa.Integer, nullable=False),
        sa.Column("nps_sum", sa.Float, nullable=False),
        sa.Column("nps_sq", sa.Float, nullable=False),
        sa.Column("nps_promoters", sa.Integer, nullable=False),
        sa.Column("nps_detractors", sa.Integer, nullable=False),
        sa.Column("csat_n", sa.Integer, nullable=False),
        sa.Column("csat_sum", sa.Float, nullable=False),
        sa.Column("csat_sq", sa.Float, nullable=False),
    )
    op.create_index(
        "ix_read_item_sum_ws_grain_kind_key", "read_item_sum", ["workspace_id", "grain", "kind", "key"]
    )
    op.create_table(
        "read_unit_sum",
        *_dims(),
        sa.Column("n_units", sa.Integer, nullable=False),
        sa.Column("sentiment_n", sa.Integer, nullable=False),
        sa.Column("sentiment_sum", sa.Float, nullable=False),
        sa.Column("negativity_sum", sa.Float, nullable=False),
        sa.Column("intensity_sum", sa.Float, nullable=False),
        sa.Column("effort_n", sa.Integer, nullable=False),
    )
    op.create_index(
        "ix_read_unit_sum_ws_grain_kind_key", "read_unit_sum", ["workspace_id", "grain", "kind", "key"]
    )
    dialect = op.get_bind().dialect.name
    for ddl in _pg_triggers() if dialect == "postgresql" else _sqlite_triggers():
        op.execute(ddl)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in WATCHED:
        for suffix in ("ins", "del", "upd"):
            if dialect == "postgresql":
                op.execute(f"DROP TRIGGER IF EXISTS fm_{table}_{suffix} ON {table}")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS fm_{table}_{suffix}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS fm_bump_data_version()")
    op.drop_index("ix_read_unit_sum_ws_grain_kind_key", table_name="read_unit_sum")
    op.drop_table("read_unit_sum")
    op.drop_index("ix_read_item_sum_ws_grain_kind_key", table_name="read_item_sum")
    op.drop_table("read_item_sum")
    op.drop_table("read_sum_state")
    op.drop_table("workspace_data_version")
