"""A theme a person renamed keeps its name across re-analyses.

Revision ID: 0008_theme_name_edited
Revises: 0007_read_aggregates
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_theme_name_edited"
down_revision: str | Sequence[str] | None = "0007_read_aggregates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("theme") as batch:
        batch.add_column(sa.Column("name_edited", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("theme") as batch:
        batch.drop_column("name_edited")
