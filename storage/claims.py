"""Claims on scheduled acts on SQLAlchemy; the primary key is the exactly-once guard."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.conflicts import insert_if_absent
from storage.tables import Base, ClaimRow
from surveys.claims import Act, ClaimStatus


class SqlClaims:
    """Claims in `claims`, keyed by (team, act, slot)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, team_id: str, act: Act, slot: datetime) -> bool:
        """Claim (team, act, slot); True only for the one caller that gets it."""
        return await insert_if_absent(
            self._session,
            Base.metadata.tables["claims"],
            {
                "team_id": team_id,
                "act": act.value,
                "slot": slot,
                "status": ClaimStatus.CLAIMED.value,
                "updated_at": datetime.now(UTC),
            },
        )

    async def set_status(self, team_id: str, act: Act, slot: datetime, status: ClaimStatus) -> None:
        """Move a claim on."""
        await self._session.execute(
            update(ClaimRow)
            .where(ClaimRow.team_id == team_id, ClaimRow.act == act.value, ClaimRow.slot == slot)
            .values(status=status.value, updated_at=datetime.now(UTC))
        )

    async def status(self, team_id: str, act: Act, slot: datetime) -> ClaimStatus | None:
        """Where a claim stands, if it exists."""
        value = await self._session.scalar(
            select(ClaimRow.status).where(
                ClaimRow.team_id == team_id, ClaimRow.act == act.value, ClaimRow.slot == slot
            )
        )
        return ClaimStatus(value) if value else None
