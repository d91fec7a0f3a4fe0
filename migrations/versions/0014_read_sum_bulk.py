"""Cheaper stored sums rebuilds (issue 14, branch i14-sums): drop the indexes on (workspace, grain, kind, key)
of both sum tables, a prefix of the unique grain key (``uq_read_*_sum_grain``, 0009) that answers the same
look-ups, so every row a rebuild writes or deletes maintains three B-trees instead of four; and invalidate
every workspace's sums, so the next build is a full one that writes the new ``dims`` grain of
``read_item_sum`` (kind ``all`` per distinct channel × source × segment × language: the filter drop-downs,
``service/web/summary_insights.py``; until then they read the ``full`` rows as before).

Migration-only objects (none added here) are listed in ``service/models/migration_only.py``.

Revision ID: 0014_read_sum_bulk
Revises: 0013_unit_text_inputs
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_read_sum_bulk"
down_revision: str | Sequence[str] | None = "0013_unit_text_inputs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("read_item_sum", "read_unit_sum")
_INVALIDATE = "UPDATE workspace_data_version SET version = version + 1, invalidated_version = version + 1"


def upgrade() -> None:
    for table in _TABLES:
        op.drop_index(f"ix_{table}_ws_grain_kind_key", table_name=table)
    op.execute(_INVALIDATE)


def downgrade() -> None:
    for table in _TABLES:
        op.create_index(f"ix_{table}_ws_grain_kind_key", table, ["workspace_id", "grain", "kind", "key"])
    op.execute("DELETE FROM read_item_sum WHERE grain = 'dims'")
    op.execute(_INVALIDATE)
