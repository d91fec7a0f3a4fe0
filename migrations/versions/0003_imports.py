"""Import sources and runs: source, source_run.

Revision ID: 0003_imports
Revises: 0002_journey
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_imports"
down_revision: str | Sequence[str] | None = "0002_journey"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)
ZERO = sa.text("0")


def _ws_fk() -> sa.Column:
    return sa.Column(
        "workspace_id", sa.String(36), sa.ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "source",
        sa.Column("id", sa.String(36), primary_key=True),
        _ws_fk(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(50), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("mapping", JSON, nullable=False),
        sa.Column("schedule", sa.String(100), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.Column("feedback_source", sa.String(100), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("last_run_at", TS, nullable=True),
        sa.Column("next_run_at", TS, nullable=True),
        sa.UniqueConstraint("workspace_id", "name", name="uq_source_workspace_name"),
    )
    op.create_index("ix_source_workspace_id", "source", ["workspace_id"])
    op.create_index("ix_source_due", "source", ["enabled", "next_run_at"])
    op.create_table(
        "source_run",
        sa.Column("id", sa.String(36), primary_key=True),
        _ws_fk(),
        sa.Column("source_id", sa.String(36), sa.ForeignKey("source.id", ondelete="CASCADE"), nullable=True),
        sa.Column("job_id", sa.String(36), sa.ForeignKey("job.id", ondelete="SET NULL"), nullable=True),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("type", sa.String(50), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("mapping", JSON, nullable=False),
        sa.Column("feedback_source", sa.String(100), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="queued"),
        sa.Column("read", sa.Integer(), nullable=False, server_default=ZERO),
        sa.Column("created", sa.Integer(), nullable=False, server_default=ZERO),
        sa.Column("duplicate", sa.Integer(), nullable=False, server_default=ZERO),
        sa.Column("rejected", sa.Integer(), nullable=False, server_default=ZERO),
        sa.Column("rejected_rows", JSON, nullable=False),
        sa.Column("checkpoint", JSON, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("heartbeat_at", TS, nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
    )
    op.create_index("ix_source_run_workspace_id", "source_run", ["workspace_id"])
    op.create_index("ix_source_run_job_id", "source_run", ["job_id"])
    op.create_index("ix_source_run_source_created", "source_run", ["source_id", "created_at"])
    op.create_index("ix_source_run_state", "source_run", ["state"])


def downgrade() -> None:
    op.drop_table("source_run")
    op.drop_table("source")
