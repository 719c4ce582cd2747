"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 17:23:55.028415
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "teams",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("round_hours", sa.Integer(), nullable=False),
        sa.Column("min_respondents", sa.SmallInteger(), nullable=False),
        sa.Column("reminders", sa.Boolean(), nullable=False),
        sa.Column("leaders", sa.JSON(), nullable=False),
        sa.Column("facilitators", sa.JSON(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("min_respondents >= 3", name=op.f("ck_teams_k_floor")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint(
            "platform",
            "workspace_id",
            "channel_id",
            name=op.f("uq_teams_platform_workspace_id_channel_id"),
        ),
    )
    op.create_table(
        "claims",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("act", sa.String(length=16), nullable=False),
        sa.Column("slot", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_claims_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "act", "slot", name=op.f("pk_claims")),
    )
    op.create_table(
        "hack_log",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("hack_id", sa.String(length=40), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_hack_log_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hack_log")),
    )
    op.create_index("ix_hack_log_team_event_at", "hack_log", ["team_id", "event", "at"])

    op.create_table(
        "rounds",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("statement_ids", sa.JSON(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel_size", sa.Integer(), nullable=True),
        sa.Column("respondents", sa.Integer(), nullable=True),
        sa.Column("message_ref", sa.String(length=200), nullable=True),
        sa.Column("reminded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_rounds_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
    )
    op.create_index("ix_rounds_team_opened", "rounds", ["team_id", "opened_at"])
    # At most one open round per team, whatever races the scheduler or people start.
    op.create_index(
        "uq_rounds_one_open_per_team",
        "rounds",
        ["team_id"],
        unique=True,
        sqlite_where=sa.text("closed_at IS NULL"),
        postgresql_where=sa.text("closed_at IS NULL"),
    )

    op.create_table(
        "answer_counts",
        sa.Column("round_id", sa.String(length=32), nullable=False),
        sa.Column("statement_id", sa.String(length=40), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_answer_counts_count_not_negative")),
        sa.CheckConstraint("value BETWEEN 1 AND 5", name=op.f("ck_answer_counts_value_on_scale")),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_answer_counts_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "statement_id", "value", name=op.f("pk_answer_counts")),
    )
    op.create_table(
        "participation",
        sa.Column("round_id", sa.String(length=32), nullable=False),
        sa.Column("participant", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_participation_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "participant", name=op.f("pk_participation")),
    )
    op.create_table(
        "round_salts",
        sa.Column("round_id", sa.String(length=32), nullable=False),
        sa.Column("salt", sa.LargeBinary(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_round_salts_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_round_salts")),
    )


def downgrade() -> None:

    op.drop_table("round_salts")
    op.drop_table("participation")
    op.drop_table("answer_counts")
    op.drop_index("uq_rounds_one_open_per_team", "rounds")
    op.drop_index("ix_rounds_team_opened", "rounds")

    op.drop_table("rounds")
    op.drop_index("ix_hack_log_team_event_at", "hack_log")

    op.drop_table("hack_log")
    op.drop_table("claims")
    op.drop_table("teams")
