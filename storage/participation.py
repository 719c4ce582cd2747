"""Participation on SQLAlchemy: an open round's members and who answered it, as keyed hashes
in the open-round store only (storage/open_store.py)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.conflicts import insert_if_absent
from storage.open_store import MEMBERS, PARTICIPATION

# Up to this many keys are looked up with IN (a list of parameters); more are matched in here.
LOOKUP_MAX = 500


class SqlParticipation:
    """Hashes in `open_store.members` and `open_store.participation`, deleted at close."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def admit(self, round_id: str, members: Collection[str]) -> None:
        """Record who may answer the round: the channel's members when it opened."""
        if members:
            await self._session.execute(
                insert(MEMBERS), [{"round_id": round_id, "member": m} for m in set(members)]
            )

    async def is_member(self, round_id: str, participant: str) -> bool:
        """Whether `participant` may answer (a round opened before members were kept: anyone)."""
        of_round = MEMBERS.c.round_id == round_id
        row = (
            await self._session.execute(
                select(
                    exists().where(of_round, MEMBERS.c.member == participant),
                    exists().where(of_round),
                )
            )
        ).one()
        listed, any_listed = row
        return bool(listed) or not any_listed

    async def add(self, round_id: str, participant: str, *, viewer: bool = False) -> bool:
        """Record a participant; False when they were already recorded (also under races)."""
        return await insert_if_absent(
            self._session,
            PARTICIPATION,
            {"round_id": round_id, "participant": participant, "viewer": viewer},
        )

    async def count(self, round_id: str) -> int:
        """How many have answered."""
        total = await self._session.scalar(
            select(func.count()).where(PARTICIPATION.c.round_id == round_id)
        )
        return total or 0

    async def viewers(self, round_id: str) -> int:
        """How many of those who answered see results as leaders or facilitators."""
        total = await self._session.scalar(
            select(func.count()).where(
                PARTICIPATION.c.round_id == round_id, PARTICIPATION.c.viewer.is_(True)
            )
        )
        return total or 0

    async def among(self, round_id: str, participants: Collection[str]) -> set[str]:
        """Which of `participants` have answered, in one query whatever their number: a few
        are looked up by key; a channel's worth is matched against the round's own rows,
        which are never more than the channel has members."""
        wanted = set(participants)
        query = select(PARTICIPATION.c.participant).where(PARTICIPATION.c.round_id == round_id)
        if len(wanted) <= LOOKUP_MAX:
            return set(
                await self._session.scalars(query.where(PARTICIPATION.c.participant.in_(wanted)))
            )
        return wanted.intersection(await self._session.scalars(query))

    async def forget(self, round_id: str) -> None:
        """Delete every member and participation record of the round."""
        for table in (PARTICIPATION, MEMBERS):
            await self._session.execute(delete(table).where(table.c.round_id == round_id))
