"""Participation on SQLAlchemy: keyed hashes of who answered an open round, nothing else."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.conflicts import insert_if_absent
from storage.tables import Base, ParticipationRow

# Up to this many keys are looked up with IN (a list of parameters); more are matched in here.
LOOKUP_MAX = 500


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
        """Which of `participants` have answered, in one query whatever their number: a few
        are looked up by key; a channel's worth is matched against the round's own rows,
        which are never more than the channel has members."""
        wanted = set(participants)
        query = select(ParticipationRow.participant).where(ParticipationRow.round_id == round_id)
        if len(wanted) <= LOOKUP_MAX:
            return set(
                await self._session.scalars(query.where(ParticipationRow.participant.in_(wanted)))
            )
        return wanted.intersection(await self._session.scalars(query))

    async def forget(self, round_id: str) -> None:
        """Delete every participation record of the round."""
        await self._session.execute(
            delete(ParticipationRow).where(ParticipationRow.round_id == round_id)
        )
