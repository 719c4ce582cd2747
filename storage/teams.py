"""The team repository on SQLAlchemy."""

from __future__ import annotations

from datetime import time

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.rounds import forget_open, scrub_after_commit
from storage.tables import RoundRow, TeamRow
from surveys.team import Cadence, ChannelRef, Team, TeamSettings


class SqlTeams:
    """Teams and their settings in the `teams` table."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, team: Team) -> None:
        """Store a new team."""
        row = TeamRow(id=team.id, created_at=team.created_at)
        _fill(row, team)
        self._session.add(row)
        await self._session.flush()

    async def update(self, team: Team) -> None:
        """Store new settings or the paused flag of an existing team."""
        row = await self._session.get_one(TeamRow, team.id)
        _fill(row, team)
        await self._session.flush()

    async def get(self, team_id: str) -> Team | None:
        """The team with `team_id`."""
        row = await self._session.get(TeamRow, team_id)
        return _team(row) if row else None

    async def by_channel(self, channel: ChannelRef) -> Team | None:
        """The team living in `channel`."""
        row = await self._session.scalar(
            select(TeamRow).where(
                TeamRow.platform == channel.platform,
                TeamRow.workspace_id == channel.workspace_id,
                TeamRow.channel_id == channel.channel_id,
            )
        )
        return _team(row) if row else None

    async def all(self) -> list[Team]:
        """Every team, paused or not."""
        rows = await self._session.scalars(select(TeamRow).order_by(TeamRow.created_at))
        return [_team(row) for row in rows]

    async def remove(self, team_id: str) -> None:
        """Delete a team; the foreign keys cascade to its rounds, counts, hack log and claims,
        and its open round leaves the open-round store."""
        open_rounds = await self._session.scalars(
            select(RoundRow.id).where(RoundRow.team_id == team_id, RoundRow.closed_at.is_(None))
        )
        await forget_open(self._session, list(open_rounds))
        await self._session.execute(
            delete(TeamRow).where(TeamRow.id == team_id),
            execution_options={"synchronize_session": False},
        )
        # An open round's salt and hashes may go with it: scrub them as at a close.
        await scrub_after_commit(self._session)


def _fill(row: TeamRow, team: Team) -> None:
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


def _team(row: TeamRow) -> Team:
    return Team(
        id=row.id,
        channel=ChannelRef(row.platform, row.workspace_id, row.channel_id),
        name=row.name,
        created_at=row.created_at,
        paused=row.paused,
        deactivated_at=row.deactivated_at,
        settings=TeamSettings(
            cadence=Cadence(row.cadence),
            weekday=row.weekday,
            local_time=time.fromisoformat(row.local_time),
            timezone=row.timezone,
            language="da" if row.language == "da" else "en",
            round_hours=row.round_hours,
            min_respondents=row.min_respondents,
            reminders=row.reminders,
            leaders=frozenset(row.leaders),
            facilitators=frozenset(row.facilitators),
        ),
    )
