"""A team and its row in `teams`: read with Core (no ORM objects on the hot paths), written
through the ORM row."""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlalchemy import RowMapping

from storage.tables import TeamRow
from surveys.team import Cadence, ChannelRef, Team, TeamSettings

TEAMS = TeamRow.__table__


def fill(row: TeamRow, team: Team) -> None:
    """Copy a team into its ORM row, for writing."""
    settings = team.settings
    row.platform = team.channel.platform
    row.workspace_id = team.channel.workspace_id
    row.channel_id = team.channel.channel_id
    row.name = team.name
    row.paused = team.paused
    row.deactivated_at = team.deactivated_at
    row.cadence = settings.cadence.value
    row.weekday = settings.weekday
    row.local_time = settings.local_time.strftime("%H:%M")
    row.timezone = settings.timezone
    row.language = settings.language
    row.round_hours = settings.round_hours
    row.min_respondents = settings.min_respondents
    row.reminders = settings.reminders
    row.leaders = sorted(settings.leaders)
    row.facilitators = sorted(settings.facilitators)


def team_of(row: RowMapping, prefix: str = "") -> Team:
    """A team from a row of `teams` read with Core, its columns named `prefix` + name."""

    def c(name: str) -> Any:
        return row[prefix + name]

    return Team(
        id=c("id"),
        channel=ChannelRef(c("platform"), c("workspace_id"), c("channel_id")),
        name=c("name"),
        created_at=c("created_at"),
        paused=c("paused"),
        deactivated_at=c("deactivated_at"),
        settings=TeamSettings(
            cadence=Cadence(c("cadence")),
            weekday=c("weekday"),
            local_time=time.fromisoformat(c("local_time")),
            timezone=c("timezone"),
            language="da" if c("language") == "da" else "en",
            round_hours=c("round_hours"),
            min_respondents=c("min_respondents"),
            reminders=c("reminders"),
            leaders=frozenset(c("leaders")),
            facilitators=frozenset(c("facilitators")),
        ),
    )
