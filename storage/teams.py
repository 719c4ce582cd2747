"""The team repository on SQLAlchemy."""

from __future__ import annotations

from collections.abc import Collection, Hashable

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.conflicts import DIALECTS
from storage.rounds import forget_open, scrub_after_commit
from storage.row_lists import list_param, one_of
from storage.tables import HackLogRow, RoundRow, TeamRow
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
        row = (await self._session.execute(_BY_ID, {"team": team_id})).first()
        return team_of(row._mapping) if row else None

    async def some(self, team_ids: Collection[str]) -> dict[str, Team]:
        """The teams with these ids, by id (one statement); missing ones are left out."""
        dialect = self._session.get_bind().dialect.name
        rows = await self._session.execute(
            _BY_IDS[dialect], {"teams": list_param(list(team_ids), dialect)}
        )
        return {row.id: team_of(row._mapping) for row in rows}

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

    async def trend_stamp(self, team_id: str) -> Hashable | None:
        """The team's k, how many closed rounds it has and when the latest closed, how many
        hack log entries and the latest one's time: one statement, on the teams' primary key
        and the rounds' and hack log's team indexes. A close, a retention purge, a hack event
        or a new k each change it."""
        row = (await self._session.execute(_TREND_STAMP, {"team": team_id})).first()
        return tuple(row) if row else None

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


_ROUNDS = RoundRow.__table__
_HACKS = HackLogRow.__table__
_TREND_STAMP = select(
    TEAMS.c.min_respondents,
    *(
        select(aggregate).where(table.c.team_id == TEAMS.c.id).scalar_subquery()
        for table, aggregate in (
            (_ROUNDS, func.count(_ROUNDS.c.closed_at)),
            (_ROUNDS, func.max(_ROUNDS.c.closed_at)),
            (_HACKS, func.count()),
            (_HACKS, func.max(_HACKS.c.at)),
        )
    ),
).where(TEAMS.c.id == bindparam("team"))

_BY_ID = select(TEAMS).where(TEAMS.c.id == bindparam("team"))
_BY_IDS = {
    dialect: select(TEAMS).where(one_of(TEAMS.c.id, "teams", dialect)) for dialect in DIALECTS
}
