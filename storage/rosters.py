"""Round rosters on SQLAlchemy: who was in each round's channel, for the overlap rule."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import OverlapWithheldRow, RoundRosterRow, RoundRow, TeamRow
from surveys.overlap import SAME_PERIOD, Roster


class SqlRosters:
    """Roster keys in `round_rosters`, the overlap rule's verdicts in `overlap_withheld`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, round_id: str, members: Collection[str], *, replacing: bool = False
    ) -> None:
        """Store the round's roster; `replacing` the one it had (a restarted round's)."""
        if replacing:
            await self._session.execute(
                delete(RoundRosterRow).where(RoundRosterRow.round_id == round_id),
                execution_options={"synchronize_session": False},
            )
        await self.add_all({round_id: members})

    async def add_all(self, rounds: Mapping[str, Collection[str]]) -> None:
        """Store the rosters of several new rounds (by id), in one statement."""
        rows = [
            {"round_id": round_id, "member": m}
            for round_id, members in rounds.items()
            for m in sorted(set(members))
        ]
        if rows:
            await self._session.execute(_ADD, rows)

    async def in_period(
        self, platform: str, workspace_id: str, *, start: datetime, end: datetime
    ) -> dict[str, Roster]:
        """The rosters of the workspace's rounds (open or closed, of every team) opened in
        [start, end], by round id; k is the larger of the round's k at open and its team's
        k now, as in the gate."""
        rows = await self._session.execute(
            select(
                RoundRow.id,
                RoundRow.team_id,
                RoundRow.opened_at,
                RoundRow.min_respondents,
                TeamRow.min_respondents,
                RoundRosterRow.member,
            )
            .join(RoundRow, RoundRow.id == RoundRosterRow.round_id)
            .join(TeamRow, TeamRow.id == RoundRow.team_id)
            .where(
                TeamRow.platform == platform,
                TeamRow.workspace_id == workspace_id,
                RoundRow.opened_at.between(start, end),
            )
        )
        rounds: dict[str, tuple[str, datetime, int]] = {}
        members: dict[str, set[str]] = {}
        for round_id, team_id, opened_at, k_at_open, k_now, member in rows:
            if round_id not in rounds:
                rounds[round_id] = (team_id, opened_at, max(k_at_open or k_now, k_now))
            members.setdefault(round_id, set()).add(member)
        return {
            round_id: Roster(
                round_id=round_id,
                team_id=team_id,
                opened_at=opened_at,
                members=frozenset(members[round_id]),
                min_respondents=k,
            )
            for round_id, (team_id, opened_at, k) in rounds.items()
        }

    async def withhold(self, round_id: str) -> None:
        """Record, for as long as the round is kept, that the overlap rule withheld it."""
        found = await self._session.scalar(
            select(OverlapWithheldRow.round_id).where(OverlapWithheldRow.round_id == round_id)
        )
        if found is None:
            self._session.add(OverlapWithheldRow(round_id=round_id))
            await self._session.flush()

    async def withheld(self, round_ids: Collection[str]) -> set[str]:
        """Which of the rounds the overlap rule withheld."""
        if not round_ids:
            return set()
        found = await self._session.scalars(
            select(OverlapWithheldRow.round_id).where(
                OverlapWithheldRow.round_id.in_(set(round_ids))
            )
        )
        return set(found)

    async def remove_before(self, team_id: str, before: datetime) -> int:
        """Delete the rosters of the team's closed rounds opened before `before`, except those
        a round still open in the workspace is compared with when it closes (opened at most
        SAME_PERIOD before it); how many rounds' rosters."""
        workspace = (
            await self._session.execute(
                select(TeamRow.platform, TeamRow.workspace_id).where(TeamRow.id == team_id)
            )
        ).first()
        if workspace is None:
            return 0
        earliest_open = await self._session.scalar(
            select(func.min(RoundRow.opened_at))
            .join(TeamRow, TeamRow.id == RoundRow.team_id)
            .where(
                TeamRow.platform == workspace.platform,
                TeamRow.workspace_id == workspace.workspace_id,
                RoundRow.closed_at.is_(None),
            )
        )
        if earliest_open is not None:
            before = min(before, earliest_open - SAME_PERIOD)
        doomed = list(
            await self._session.scalars(
                select(RoundRow.id)
                .where(
                    RoundRow.team_id == team_id,
                    RoundRow.closed_at.is_not(None),
                    RoundRow.opened_at < before,
                )
                .where(
                    select(RoundRosterRow.round_id)
                    .where(RoundRosterRow.round_id == RoundRow.id)
                    .exists()
                )
            )
        )
        if not doomed:
            return 0
        await self._session.execute(
            delete(RoundRosterRow).where(RoundRosterRow.round_id.in_(doomed)),
            execution_options={"synchronize_session": False},
        )
        return len(doomed)


# Core, built once: the ORM's bulk insert costs more than the rows (one per member).
_ADD = insert(cast(Table, RoundRosterRow.__table__))
