"""predictions: a leader's private prediction of a round's result, one per leader and round

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 18:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "predictions",
        sa.Column("round_id", sa.String(length=32), nullable=False),
        sa.Column("leader_id", sa.String(length=128), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_predictions_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_predictions_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "leader_id", name=op.f("pk_predictions")),
    )
    op.create_index("ix_predictions_team", "predictions", ["team_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_predictions_team", table_name="predictions")
    op.drop_table("predictions")
