"""Participation on SQLAlchemy: keyed hashes of who answered an open round, nothing else."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.conflicts import insert_if_absent
from storage.tables import Base, ParticipationRow


class SqlParticipation:
    """Hashes in `participation`; all of a round's rows are deleted when it closes."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, round_id: str, participant: str) -> bool:
        """Record a participant; False when they were already recorded (also under races)."""
        return await insert_if_absent(
            self._session,
            Base.metadata.tables["participation"],
            {"round_id": round_id, "participant": participant},
        )

    async def count(self, round_id: str) -> int:
        """How many have answered."""
        total = await self._session.scalar(
            select(func.count())
            .select_from(ParticipationRow)
            .where(ParticipationRow.round_id == round_id)
        )
        return total or 0

    async def among(self, round_id: str, participants: Collection[str]) -> set[str]:
        """Which of `participants` have answered (one query per 500, not one per person)."""
        found: set[str] = set()
        pending = list(participants)
        for start in range(0, len(pending), 500):
            rows = await self._session.scalars(
                select(ParticipationRow.participant).where(
                    ParticipationRow.round_id == round_id,
                    ParticipationRow.participant.in_(pending[start : start + 500]),
                )
            )
            found.update(rows)
        return found

    async def forget(self, round_id: str) -> None:
        """Delete every participation record of the round."""
        await self._session.execute(
            delete(ParticipationRow).where(ParticipationRow.round_id == round_id)
        )
