"""Erasures and their tombstones: erasure, erasure_tombstone.

Revision ID: 0004_erasures
Revises: 0003_imports
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_erasures"
down_revision: str | Sequence[str] | None = "0003_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def _ws_fk() -> sa.Column:
    return sa.Column(
        "workspace_id", sa.String(36), sa.ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "erasure",
        sa.Column("id", sa.String(36), primary_key=True),
        _ws_fk(),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("counts", JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_erasure_workspace_id", "erasure", ["workspace_id"])
    op.create_index("ix_erasure_workspace_created", "erasure", ["workspace_id", "created_at", "id"])
    op.create_table(
        "erasure_tombstone",
        sa.Column("id", sa.String(36), primary_key=True),
        _ws_fk(),
        sa.Column(
            "erasure_id", sa.String(36), sa.ForeignKey("erasure.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_erasure_tombstone_workspace_id", "erasure_tombstone", ["workspace_id"])
    op.create_index("ix_erasure_tombstone_erasure_id", "erasure_tombstone", ["erasure_id"])
    op.create_index(
        "uq_erasure_tombstone_key", "erasure_tombstone", ["workspace_id", "kind", "key_hash"], unique=True
    )


def downgrade() -> None:
    op.drop_table("erasure_tombstone")
    op.drop_table("erasure")
