"""The durable tables. Anonymity is a property of this schema: no row ever pairs a person with an
answer, and nothing of an open round's answers is written here (see storage/open_store.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    MetaData,
    SmallInteger,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.columns import UTCDateTime

ID = String(32)  # uuid4 hex: random, so row order reveals nothing


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class TeamRow(Base):
    """A set-up channel and its settings."""

    __tablename__ = "teams"
    __table_args__ = (
        UniqueConstraint("platform", "workspace_id", "channel_id"),
        CheckConstraint("min_respondents >= 3", name="k_floor"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    cadence: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int] = mapped_column(SmallInteger)
    local_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    round_hours: Mapped[int]
    min_respondents: Mapped[int] = mapped_column(SmallInteger)
    reminders: Mapped[bool]
    leaders: Mapped[list[str]] = mapped_column(JSON)
    facilitators: Mapped[list[str]] = mapped_column(JSON)
    paused: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RoundRow(Base):
    """A round. Respondents are counted at close; until then its answers and who gave them
    live only in the open-round store (storage/open_store.py)."""

    __tablename__ = "rounds"
    __table_args__ = (
        Index("ix_rounds_team_opened", "team_id", "opened_at"),
        Index(
            "uq_rounds_one_open_per_team",
            "team_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    statement_ids: Mapped[list[str]] = mapped_column(JSON)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel_size: Mapped[int | None]
    # k when the round opened: it is gated with the larger of this and the team's k now.
    min_respondents: Mapped[int | None] = mapped_column(SmallInteger)
    respondents: Mapped[int | None]
    # Respondents who are not the team's leaders or facilitators: these make up k.
    eligible_respondents: Mapped[int | None]
    # When the open-round store was lost (a database crash) and the round asked again.
    restarted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_ref: Mapped[str | None] = mapped_column(String(200))
    reminded: Mapped[bool]


class AnswerCountRow(Base):
    """How many answered `value` to a statement in a closed round: written once, at close, as
    one aggregate (an open round counts in the open-round store)."""

    __tablename__ = "answer_counts"
    __table_args__ = (
        CheckConstraint("value BETWEEN 1 AND 5", name="value_on_scale"),
        CheckConstraint("count >= 0", name="count_not_negative"),
    )

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    statement_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    count: Mapped[int]


class HackLogRow(Base):
    """A hack suggested to, or run by, a team."""

    __tablename__ = "hack_log"
    __table_args__ = (Index("ix_hack_log_team_event_at", "team_id", "event", "at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    hack_id: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClaimRow(Base):
    """A claim on one scheduled act; the primary key makes (team, act, slot) happen once."""

    __tablename__ = "claims"

    team_id: Mapped[str] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    act: Mapped[str] = mapped_column(String(16), primary_key=True)
    slot: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChannelAddressRow(Base):
    """How to reach a channel unprompted (Teams: its conversation reference, with no person)."""

    __tablename__ = "channel_addresses"
    __table_args__ = (Index("ix_channel_addresses_group", "platform", "workspace_id", "group_id"),)

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(256), primary_key=True)
    group_id: Mapped[str] = mapped_column(String(256))
    name: Mapped[str] = mapped_column(String(200))
    service_url: Mapped[str] = mapped_column(String(512))
    reference: Mapped[dict[str, object]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RoundRosterRow(Base):
    """Who was in a round's channel when it opened, as HMAC(secret key, workspace, user): the
    same in every round of a workspace, so the overlap rule can compare teams. Membership is
    visible in the workspace anyway; nothing here says who answered. Purged a period after
    the round opened (surveys/overlap.py)."""

    __tablename__ = "round_rosters"

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    member: Mapped[str] = mapped_column(String(64), primary_key=True)


class OverlapWithheldRow(Base):
    """A closed round whose results the overlap rule withheld: kept as long as the round, so
    its summary stays withheld after the rosters are gone."""

    __tablename__ = "overlap_withheld"

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )


class PredictionRow(Base):
    """A leader's private prediction for a round: a point on the answer scale per pillar. The
    leader's own data, kept with their platform id; it says nothing of anyone's answers and
    goes with the round (retention) or the team."""

    __tablename__ = "predictions"
    __table_args__ = (Index("ix_predictions_team", "team_id"),)

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    leader_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    # {pillar key: 1..5}
    values: Mapped[dict[str, int]] = mapped_column(JSON)
