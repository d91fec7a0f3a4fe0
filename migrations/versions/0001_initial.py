"""Core tables: workspace, api_key, feedback_item, opinion_unit, pain_point, job.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)
FALSE = sa.text("false")


def _ws_fk() -> sa.Column:
    return sa.Column(
        "workspace_id", sa.String(36), sa.ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "workspace",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("taxonomy", JSON, nullable=True),
        sa.Column("settings", JSON, nullable=True),
    )

    op.create_table(
        "api_key",
        sa.Column("id", sa.String(36), primary_key=True),
        _ws_fk(),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False, server_default=FALSE),
    )
    op.create_index("ix_api_key_workspace_id", "api_key", ["workspace_id"])

    op.create_table(
        "feedback_item",
        sa.Column("id", sa.String(36), primary_key=True),
        _ws_fk(),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("rating", sa.Float, nullable=True),
        sa.Column("nps", sa.Integer, nullable=True),
        sa.Column("csat", sa.Float, nullable=True),
        sa.Column("channel", sa.String(100), nullable=True),
        sa.Column("segment", sa.String(100), nullable=True),
        sa.Column("customer_hash", sa.String(64), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("metadata", JSON, nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("redactions", JSON, nullable=True),
        sa.UniqueConstraint("workspace_id", "source", "external_id", name="uq_feedback_source_external_id"),
    )
    op.create_index("ix_feedback_item_workspace_id", "feedback_item", ["workspace_id"])
    op.create_index("ix_feedback_workspace_created", "feedback_item", ["workspace_id", "created_at", "id"])
    op.create_index(
        "uq_feedback_content_hash_without_id",
        "feedback_item",
        ["workspace_id", "content_hash"],
        unique=True,
        sqlite_where=sa.text("external_id IS NULL"),
        postgresql_where=sa.text("external_id IS NULL"),
    )

    op.create_table(
        "pain_point",
        sa.Column("id", sa.String(36), primary_key=True),
        _ws_fk(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("label_edited", sa.Boolean, nullable=False, server_default=FALSE),
        sa.Column("keyphrases", JSON, nullable=True),
        sa.Column("quotes", JSON, nullable=True),
        sa.Column("stage", sa.String(64), nullable=True),
        sa.Column("stage_confidence", sa.Float, nullable=True),
        sa.Column("stage_runner_up", sa.String(64), nullable=True),
        sa.Column("stage_edited", sa.Boolean, nullable=False, server_default=FALSE),
        sa.Column("size", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("language_mix", JSON, nullable=True),
        sa.Column("centroid", sa.LargeBinary, nullable=True),
        sa.Column("embedding_model", sa.String(200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("due_date", sa.Date, nullable=True),
        sa.Column("fix_effort", sa.Float, nullable=True),
        sa.Column("resolved_at", TS, nullable=True),
        sa.Column(
            "merged_into_id", sa.String(36), sa.ForeignKey("pain_point.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("emerging", sa.Boolean, nullable=False, server_default=FALSE),
        sa.Column("score", JSON, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_pain_point_workspace_id", "pain_point", ["workspace_id"])
    op.create_index("ix_pain_point_workspace_kind_status", "pain_point", ["workspace_id", "kind", "status"])

    op.create_table(
        "opinion_unit",
        sa.Column("id", sa.String(36), primary_key=True),
        _ws_fk(),
        sa.Column(
            "feedback_id", sa.String(36), sa.ForeignKey("feedback_item.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("sentiment", sa.String(16), nullable=True),
        sa.Column("sentiment_score", sa.Float, nullable=True),
        sa.Column("emotion", sa.String(32), nullable=True),
        sa.Column("stage", sa.String(64), nullable=True),
        sa.Column("stage_confidence", sa.Float, nullable=True),
        sa.Column("effort", sa.Boolean, nullable=False, server_default=FALSE),
        sa.Column("effort_type", sa.String(32), nullable=True),
        sa.Column(
            "pain_point_id", sa.String(36), sa.ForeignKey("pain_point.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("embedding", sa.LargeBinary, nullable=True),
        sa.Column("embedding_model", sa.String(200), nullable=True),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_opinion_unit_workspace_id", "opinion_unit", ["workspace_id"])
    op.create_index("ix_opinion_unit_feedback_id", "opinion_unit", ["feedback_id"])
    op.create_index("ix_unit_workspace_pain_point", "opinion_unit", ["workspace_id", "pain_point_id"])

    op.create_table(
        "job",
        sa.Column("id", sa.String(36), primary_key=True),
        _ws_fk(),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="queued"),
        sa.Column("progress", sa.Float, nullable=False, server_default=sa.text("0")),
        sa.Column("params", JSON, nullable=True),
        sa.Column("result", JSON, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("finished_at", TS, nullable=True),
    )
    op.create_index("ix_job_workspace_id", "job", ["workspace_id"])
    op.create_index("ix_job_workspace_created", "job", ["workspace_id", "created_at"])


def downgrade() -> None:
    op.drop_table("job")
    op.drop_table("opinion_unit")
    op.drop_table("pain_point")
    op.drop_table("feedback_item")
    op.drop_table("api_key")
    op.drop_table("workspace")
