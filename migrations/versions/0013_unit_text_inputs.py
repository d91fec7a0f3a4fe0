"""Per opinion unit, the two text-only inputs of the sentiment adaptation, kept from extraction.

``text_sentiment_proba``: the generic sentiment head's probabilities (negative, neutral, positive; float64)
on the unit's stored vector; ``text_features``: the lexical and polarity-lexicon columns of its text
(float32), the part of the adapted head's features that is not the vector. Recomputing them re-analysed
every unit's text at each analysis of a rated workspace (character n-grams and regexes: ~70 % of the
re-scoring, ~0.4 ms a unit); the extraction has both at hand for free (docs/benchmarks.md, issue 14).
Nullable: units written before this revision, or without a tagger, have neither, and the adaptation
computes them as before.

Revision ID: 0013_unit_text_inputs
Revises: 0012_theme_sums
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_unit_text_inputs"
down_revision: str | Sequence[str] | None = "0012_theme_sums"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("opinion_unit", sa.Column("text_sentiment_proba", sa.LargeBinary(), nullable=True))
    op.add_column("opinion_unit", sa.Column("text_features", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("opinion_unit") as batch:
        batch.drop_column("text_features")
        batch.drop_column("text_sentiment_proba")
