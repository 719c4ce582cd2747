"""Claims on scheduled acts on SQLAlchemy; the primary key is the exactly-once guard."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.conflicts import DIALECTS, insert_if_absent
from storage.tables import Base, ClaimRow
from surveys.claims import Act, Claim, ClaimStatus


class SqlClaims:
    """Claims in `claims`, keyed by (team, act, slot)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(
        self,
        team_id: str,
        act: Act,
        slot: datetime,
        *,
        at: datetime,
        status: ClaimStatus = ClaimStatus.CLAIMED,
    ) -> bool:
        """Claim (team, act, slot), in `status`; True only for the one caller that gets it."""
        values = {
            "team_id": team_id,
            "act": act.value,
            "slot": slot,
            "status": status.value,
            "updated_at": at,
        }
        claiming = _CLAIM[self._session.get_bind().dialect.name]
        return (await self._session.execute(claiming, values)).first() is not None

    async def claim_all(self, claims: Sequence[Claim]) -> list[bool]:
        """`claim` for each of several claims, in one statement; whether each was won."""
        if not claims:
            return []
        rows = [
            {
                "team_id": c.team_id,
                "act": c.act.value,
                "slot": c.slot,
                "status": c.status.value,
                "updated_at": c.at,
            }
            for c in claims
        ]
        inserted = await self._session.execute(
            _CLAIM_ALL[self._session.get_bind().dialect.name], rows
        )
        won = {(team_id, act, slot) for team_id, act, slot in inserted}
        return [(c.team_id, c.act.value, c.slot) in won for c in claims]

    async def set_status(
        self, team_id: str, act: Act, slot: datetime, status: ClaimStatus, *, at: datetime
    ) -> None:
        """Move a claim on."""
        await self._session.execute(
            _SET_STATUS,
            {"team": team_id, "of_act": act.value, "of_slot": slot, "to": status.value, "at": at},
        )

    async def take_over(
        self, team_id: str, act: Act, slot: datetime, *, at: datetime, stale_before: datetime
    ) -> bool:
        """Claim again a stale claim; the row count says who got it."""
        result = await self._session.execute(
            update(ClaimRow)
            .where(
                ClaimRow.team_id == team_id,
                ClaimRow.act == act.value,
                ClaimRow.slot == slot,
                ClaimRow.status.in_([ClaimStatus.CLAIMED.value, ClaimStatus.SENDING.value]),
                ClaimRow.updated_at < stale_before,
            )
            .values(status=ClaimStatus.CLAIMED.value, updated_at=at)
        )
        return cast("CursorResult[Any]", result).rowcount == 1

    async def retry_failed(
        self, team_id: str, act: Act, slot: datetime, *, at: datetime, failed_before: datetime
    ) -> bool:
        """Claim again a failed act whose back-off is over; the row count says who got it."""
        result = await self._session.execute(
            update(ClaimRow)
            .where(
                ClaimRow.team_id == team_id,
                ClaimRow.act == act.value,
                ClaimRow.slot == slot,
                ClaimRow.status == ClaimStatus.FAILED.value,
                ClaimRow.updated_at < failed_before,
            )
            .values(status=ClaimStatus.CLAIMED.value, updated_at=at)
        )
        return cast("CursorResult[Any]", result).rowcount == 1

    async def status(self, team_id: str, act: Act, slot: datetime) -> ClaimStatus | None:
        """Where a claim stands, if it exists."""
        value = await self._session.scalar(
            select(ClaimRow.status).where(
                ClaimRow.team_id == team_id, ClaimRow.act == act.value, ClaimRow.slot == slot
            )
        )
        return ClaimStatus(value) if value else None

    async def remove_before(self, team_id: str, before: datetime, *, act: Act | None = None) -> int:
        """Delete the team's claims on slots before `before` (of one act, or all)."""
        query = delete(ClaimRow).where(ClaimRow.team_id == team_id, ClaimRow.slot < before)
        if act is not None:
            query = query.where(ClaimRow.act == act.value)
        result = await self._session.execute(
            query, execution_options={"synchronize_session": False}
        )
        return cast("CursorResult[Any]", result).rowcount


# Built once: a thousand teams due at once are a thousand claims.
_CLAIMS = Base.metadata.tables["claims"]
_CLAIM = {dialect: insert_if_absent(dialect, _CLAIMS) for dialect in DIALECTS}
# The whole key of each claim won, to tell them apart.
_CLAIM_ALL = {
    dialect: insert_if_absent(dialect, _CLAIMS).returning(_CLAIMS.c.act, _CLAIMS.c.slot)
    for dialect in DIALECTS
}
_SET_STATUS = (
    update(_CLAIMS)
    .where(
        _CLAIMS.c.team_id == bindparam("team"),
        _CLAIMS.c.act == bindparam("of_act"),
        _CLAIMS.c.slot == bindparam("of_slot"),
    )
    .values(status=bindparam("to"), updated_at=bindparam("at"))
)
