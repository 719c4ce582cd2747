"""The team repository on SQLAlchemy."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.rounds import forget_open, scrub_after_commit
from storage.tables import RoundRow, TeamRow
from storage.team_rows import TEAMS, fill, team_of
from surveys.team import ChannelRef, Team


class SqlTeams:
    """Teams and their settings in the `teams` table."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, team: Team) -> None:
        """Store a new team."""
        row = TeamRow(id=team.id, created_at=team.created_at)
        fill(row, team)
        self._session.add(row)
        await self._session.flush()

    async def update(self, team: Team) -> None:
        """Store new settings or the paused flag of an existing team."""
        row = await self._session.get_one(TeamRow, team.id)
        fill(row, team)
        await self._session.flush()

    async def get(self, team_id: str) -> Team | None:
        """The team with `team_id`."""
        row = (await self._session.execute(select(TEAMS).where(TEAMS.c.id == team_id))).first()
        return team_of(row._mapping) if row else None

    async def by_channel(self, channel: ChannelRef) -> Team | None:
        """The team living in `channel`."""
        row = (
            await self._session.execute(
                select(TEAMS).where(
                    TEAMS.c.platform == channel.platform,
                    TEAMS.c.workspace_id == channel.workspace_id,
                    TEAMS.c.channel_id == channel.channel_id,
                )
            )
        ).first()
        return team_of(row._mapping) if row else None

    async def all(self) -> list[Team]:
        """Every team, paused or not."""
        rows = await self._session.execute(select(TEAMS).order_by(TEAMS.c.created_at))
        return [team_of(row) for row in rows.mappings()]

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
