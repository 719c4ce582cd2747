"""Small builders for domain objects in tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from surveys.rounds import Round, RoundKind
from surveys.team import ChannelRef, Team, TeamSettings

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PULSE_STATEMENTS = ("include-1", "learn-1", "contribute-1", "challenge-1")


def a_team(*, channel: str = "C1", **settings: object) -> Team:
    """A team with default settings, overridable per field."""
    return Team(
        id=uuid.uuid4().hex,
        channel=ChannelRef(platform="slack", workspace_id="T1", channel_id=channel),
        name=f"team {channel}",
        settings=TeamSettings(**settings),  # type: ignore[arg-type]
        created_at=T0,
    )


def a_round(
    team: Team,
    *,
    opened_at: datetime = T0,
    kind: RoundKind = RoundKind.PULSE,
    statements: tuple[str, ...] = PULSE_STATEMENTS,
) -> Round:
    """An open round of `team`."""
    return Round(
        id=uuid.uuid4().hex,
        team_id=team.id,
        kind=kind,
        statement_ids=statements,
        opened_at=opened_at,
        closes_at=opened_at + timedelta(hours=72),
        channel_size=9,
    )


def rich_settings() -> TeamSettings:
    """Settings with every field away from its default."""
    return TeamSettings(
        weekday=3,
        local_time=time(14, 30),
        timezone="America/New_York",
        language="en",
        round_hours=48,
        min_respondents=7,
        reminders=False,
        leaders=frozenset({"U1", "U2"}),
        facilitators=frozenset({"U3"}),
    )
