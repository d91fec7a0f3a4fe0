"""Pain point names (natural phrase, one per language) and parent themes.

Revision ID: 0006_names_themes
Revises: 0005_users
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_names_themes"
down_revision: str | Sequence[str] | None = "0005_users"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "theme",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "workspace_id", sa.String(36), sa.ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("names", JSON, nullable=True),
        sa.Column("centroid", sa.LargeBinary(), nullable=True),
        sa.Column("embedding_model", sa.String(200), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_theme_workspace_id", "theme", ["workspace_id"])
    with op.batch_alter_table("pain_point") as batch:
        batch.add_column(sa.Column("name", sa.String(300), nullable=True))
        batch.add_column(sa.Column("names", JSON, nullable=True))
        batch.add_column(sa.Column("theme_id", sa.String(36), nullable=True))
        batch.create_foreign_key(
            "fk_pain_point_theme_id", "theme", ["theme_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_pain_point_theme_id", ["theme_id"])


def downgrade() -> None:
    with op.batch_alter_table("pain_point") as batch:
        batch.drop_index("ix_pain_point_theme_id")
        batch.drop_constraint("fk_pain_point_theme_id", type_="foreignkey")
        batch.drop_column("theme_id")
        batch.drop_column("names")
        batch.drop_column("name")
    op.drop_index("ix_theme_workspace_id", table_name="theme")
    op.drop_table("theme")
