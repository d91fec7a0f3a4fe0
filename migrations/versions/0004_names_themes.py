"""Pain point names (natural phrase, one per language).

Revision ID: 0004_names_themes
Revises: 0003_imports
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_names_themes"
down_revision: str | Sequence[str] | None = "0003_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("pain_point") as batch:
        batch.add_column(sa.Column("name", sa.String(300), nullable=True))
        batch.add_column(sa.Column("names", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pain_point") as batch:
        batch.drop_column("names")
        batch.drop_column("name")
