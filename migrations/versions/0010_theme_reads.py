"""An index the themes' reads scan instead of the unit rows: (workspace, pain point, feedback item, stage).

``GET /v1/themes`` and ``?group_by=theme`` find the items that mention two or more pain points of one theme
and count the units per pain point and stage (``service.themes.summary``); a pain point's mentions page
lists its distinct items. All three read this index alone, never the unit rows (texts, embeddings).

Revision ID: 0010_theme_reads
Revises: 0009_read_sum_delta
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_theme_reads"
down_revision: str | Sequence[str] | None = "0009_read_sum_delta"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_unit_workspace_pp_feedback",
        "opinion_unit",
        ["workspace_id", "pain_point_id", "feedback_id", "stage"],
    )


def downgrade() -> None:
    op.drop_index("ix_unit_workspace_pp_feedback", table_name="opinion_unit")
