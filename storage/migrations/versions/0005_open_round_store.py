"""The open-round store: an open round's salt, members, participation and counts leave the
durable tables (and with them the write-ahead log); rounds keep k at open, eligible
respondents and when a lost round asked again

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 13:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# On SQLite the side store and its tables come with every connection (storage/open_store.py);
# on PostgreSQL they are created here, UNLOGGED: never in the WAL, archives or replicas.
_POSTGRES_STORE = (
    "CREATE SCHEMA IF NOT EXISTS open_store",
    "CREATE UNLOGGED TABLE IF NOT EXISTS open_store.salts ("
    " round_id VARCHAR(32) PRIMARY KEY, salt BYTEA NOT NULL)",
    "CREATE UNLOGGED TABLE IF NOT EXISTS open_store.members ("
    " round_id VARCHAR(32), member VARCHAR(64), PRIMARY KEY (round_id, member))",
    "CREATE UNLOGGED TABLE IF NOT EXISTS open_store.participation ("
    " round_id VARCHAR(32), participant VARCHAR(64), viewer BOOLEAN NOT NULL,"
    " PRIMARY KEY (round_id, participant))",
    "CREATE UNLOGGED TABLE IF NOT EXISTS open_store.counts ("
    " round_id VARCHAR(32), statement_id VARCHAR(40), value SMALLINT, count INTEGER NOT NULL,"
    " PRIMARY KEY (round_id, statement_id, value))",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _POSTGRES_STORE:
            op.execute(statement)
    # Plain ADD COLUMNs (a batch copy of `rounds` would cascade to its counts on SQLite).
    op.add_column("rounds", sa.Column("min_respondents", sa.SmallInteger(), nullable=True))
    op.add_column("rounds", sa.Column("eligible_respondents", sa.Integer(), nullable=True))
    op.add_column("rounds", sa.Column("restarted_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE rounds SET min_respondents ="
        " (SELECT min_respondents FROM teams WHERE teams.id = rounds.team_id)"
    )
    # Rounds open now move into the store as they are (no members: anyone may still answer).
    op.execute(
        "INSERT INTO open_store.salts (round_id, salt) SELECT round_id, salt FROM round_salts"
    )
    op.execute(
        "INSERT INTO open_store.participation (round_id, participant, viewer)"
        " SELECT round_id, participant, false FROM participation"
    )
    op.execute(
        "INSERT INTO open_store.counts (round_id, statement_id, value, count)"
        " SELECT round_id, statement_id, value, count FROM answer_counts"
        " WHERE round_id IN (SELECT id FROM rounds WHERE closed_at IS NULL)"
    )
    op.execute(
        "DELETE FROM answer_counts"
        " WHERE round_id IN (SELECT id FROM rounds WHERE closed_at IS NULL)"
    )
    op.drop_table("participation")
    op.drop_table("round_salts")


def downgrade() -> None:
    op.create_table(
        "round_salts",
        sa.Column("round_id", sa.String(32), sa.ForeignKey("rounds.id", ondelete="CASCADE")),
        sa.Column("salt", sa.LargeBinary(64), nullable=False),
        sa.PrimaryKeyConstraint("round_id", name="pk_round_salts"),
    )
    op.create_table(
        "participation",
        sa.Column("round_id", sa.String(32), sa.ForeignKey("rounds.id", ondelete="CASCADE")),
        sa.Column("participant", sa.String(64)),
        sa.PrimaryKeyConstraint("round_id", "participant", name="pk_participation"),
    )
    op.drop_column("rounds", "restarted_at")
    op.drop_column("rounds", "eligible_respondents")
    op.drop_column("rounds", "min_respondents")
