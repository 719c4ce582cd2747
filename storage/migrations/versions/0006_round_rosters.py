"""round rosters: who was in each round's channel (as workspace-wide keyed hashes), for the
overlap rule; and which rounds that rule withheld

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 16:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rounds opened before this have no roster: they are gated by their own k only.
    op.create_table(
        "round_rosters",
        sa.Column("round_id", sa.String(length=32), nullable=False),
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_round_rosters_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "member", name=op.f("pk_round_rosters")),
    )
    op.create_table(
        "overlap_withheld",
        sa.Column("round_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_overlap_withheld_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_overlap_withheld")),
    )


def downgrade() -> None:
    op.drop_table("overlap_withheld")
    op.drop_table("round_rosters")
