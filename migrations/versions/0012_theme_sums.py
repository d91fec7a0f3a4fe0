"""Stored sums per parent theme: a change of a pain point's theme moves the data version and invalidates
the read sums, which now hold distinct items per theme (``read_item_sum`` kind ``theme``), units per pain
point × stage (``read_unit_sum`` kind ``ppst``) and each pain point's theme at build time (grain ``map``);
see ``service/analysis/view_tables.py`` and ``service/themes/summary.py``.

No new table: the new rows live in the existing sum tables; an index per sum table on (workspace, grain,
kind, channel, day) lets a channel-filtered view read that channel's rows only (a fifth of the ``channel``
grain's rows). The upgrade invalidates every workspace's
sums, so the next build is a full one that writes them (until then reads compute theme figures as before).

Revision ID: 0012_theme_sums
Revises: 0011_search_index
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_theme_sums"
down_revision: str | Sequence[str] | None = "0011_search_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE = (
    "CREATE TRIGGER fm_pain_point_theme AFTER UPDATE OF theme_id ON pain_point"
    " WHEN OLD.theme_id IS NOT NEW.theme_id BEGIN"
    " INSERT OR IGNORE INTO workspace_data_version (workspace_id, version, invalidated_version)"
    " VALUES (NEW.workspace_id, 0, 0);"
    " UPDATE workspace_data_version SET version = version + 1, invalidated_version = version + 1"
    " WHERE workspace_id = NEW.workspace_id;"
    " END"
)
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION fm_rs_pain_point_theme() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    INSERT INTO workspace_data_version AS v (workspace_id, version, invalidated_version)
    SELECT n.workspace_id, 1, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.theme_id IS DISTINCT FROM n.theme_id GROUP BY n.workspace_id ORDER BY n.workspace_id
    ON CONFLICT (workspace_id) DO UPDATE SET version = v.version + 1, invalidated_version = v.version + 1;
    RETURN NULL;
END $$
"""
_PG_TRIGGER = (
    "CREATE TRIGGER fm_pain_point_theme AFTER UPDATE ON pain_point"
    " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION fm_rs_pain_point_theme()"
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in ("read_item_sum", "read_unit_sum"):
        op.create_index(
            f"ix_{table}_ws_grain_kind_channel", table, ["workspace_id", "grain", "kind", "channel", "day"]
        )
    if dialect == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
    else:
        op.execute(_SQLITE)
    op.execute("UPDATE workspace_data_version SET version = version + 1, invalidated_version = version + 1")


def downgrade() -> None:
    for table in ("read_item_sum", "read_unit_sum"):
        op.drop_index(f"ix_{table}_ws_grain_kind_channel", table_name=table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS fm_pain_point_theme ON pain_point")
        op.execute("DROP FUNCTION IF EXISTS fm_rs_pain_point_theme()")
    else:
        op.execute("DROP TRIGGER IF EXISTS fm_pain_point_theme")
    op.execute("UPDATE workspace_data_version SET version = version + 1, invalidated_version = version + 1")
