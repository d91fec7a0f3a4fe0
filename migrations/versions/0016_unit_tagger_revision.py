"""Per opinion unit, the tagger that wrote its tags (``nlp.tagging.revision.tagger_revision``).

An item is re-extracted when its units were tagged by another tagger: retrained heads and new verdict cues
then reach the items already stored, instead of only those analysed after an upgrade. Nullable: units written
before this revision record none, so the first analysis after the upgrade re-extracts them (as a change of
embedding model does; pain points of units whose text did not change are kept), and units written without a
tagger (provisional tags) record none.

Revision ID: 0016_unit_tagger_revision
Revises: 0015_read_sum_channel_key
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_unit_tagger_revision"
down_revision: str | Sequence[str] | None = "0015_read_sum_channel_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("opinion_unit", sa.Column("tagger_revision", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("opinion_unit") as batch:
        batch.drop_column("tagger_revision")
