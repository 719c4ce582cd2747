"""The hack log on SQLAlchemy."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Row, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.conflicts import DIALECTS
from storage.row_lists import list_param, one_of
from storage.tables import HackLogRow
from surveys.hack_log import HackEvent, HackLogEntry


class SqlHackLog:
    """Events in `hack_log`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, entry: HackLogEntry) -> None:
        """Append an event."""
        self._session.add(
            HackLogRow(
                id=entry.id,
                team_id=entry.team_id,
                hack_id=entry.hack_id,
                event=entry.event.value,
                at=entry.at,
            )
        )
        await self._session.flush()

    async def recent(self, team_id: str, *, event: HackEvent, limit: int) -> list[HackLogEntry]:
        """The team's latest events of one kind, newest first."""
        rows = await self._session.scalars(
            select(HackLogRow)
            .where(HackLogRow.team_id == team_id, HackLogRow.event == event.value)
            .order_by(HackLogRow.at.desc())
            .limit(limit)
        )
        return [_entry(row) for row in rows]

    async def between(self, team_id: str, start: datetime, end: datetime) -> list[HackLogEntry]:
        """The team's events in [start, end], oldest first."""
        rows = await self._session.execute(_BETWEEN, {"team": team_id, "start": start, "end": end})
        return [_entry(row) for row in rows]

    async def of_teams(
        self, team_ids: Collection[str], start: datetime, end: datetime
    ) -> dict[str, list[HackLogEntry]]:
        """Each team's events in [start, end], oldest first, in one statement."""
        dialect = self._session.get_bind().dialect.name
        rows = await self._session.execute(
            _OF_TEAMS[dialect],
            {"teams": list_param(list(team_ids), dialect), "start": start, "end": end},
        )
        entries: dict[str, list[HackLogEntry]] = {team_id: [] for team_id in team_ids}
        for row in rows:
            entries[row.team_id].append(_entry(row))
        return entries

    async def remove_before(self, team_id: str, before: datetime) -> int:
        """Delete the team's events dated before `before`."""
        result = await self._session.execute(
            delete(HackLogRow).where(HackLogRow.team_id == team_id, HackLogRow.at < before),
            execution_options={"synchronize_session": False},
        )
        return cast("CursorResult[Any]", result).rowcount


def _entry(row: HackLogRow | Row[Any]) -> HackLogEntry:
    """An entry from an ORM row or a row read with Core (the same names)."""
    return HackLogEntry(
        id=row.id, team_id=row.team_id, hack_id=row.hack_id, event=HackEvent(row.event), at=row.at
    )


# Built once: the scheduler reads the hack log for every team it opens a round for.
_LOG = HackLogRow.__table__
_BETWEEN = (
    select(_LOG)
    .where(
        _LOG.c.team_id == bindparam("team"),
        _LOG.c.at.between(bindparam("start"), bindparam("end")),
    )
    .order_by(_LOG.c.at)
)
_OF_TEAMS = {
    dialect: select(_LOG)
    .where(
        one_of(_LOG.c.team_id, "teams", dialect),
        _LOG.c.at.between(bindparam("start"), bindparam("end")),
    )
    .order_by(_LOG.c.at)
    for dialect in DIALECTS
}
