"""Participation on SQLAlchemy: an open round's members and who answered it, as keyed hashes
in the open-round store only (storage/open_store.py)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import bindparam, delete, exists, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.conflicts import DIALECTS, insert_selected_if_absent
from storage.open_store import MEMBERS, PARTICIPATION
from surveys.ballot import Entry

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

    async def add(self, round_id: str, participant: str, *, viewer: bool = False) -> Entry:
        """Record a participant unless they answered already or were not a member when the
        round opened (a round opened before members were kept: anyone); the membership check
        and the insert are one statement, and only a refusal asks which it was."""
        values = {"of_round": round_id, "the_participant": participant, "as_viewer": viewer}
        entering = _ENTER[self._session.get_bind().dialect.name]
        if (await self._session.execute(entering, values)).first() is not None:
            return Entry.COUNTED
        answered = await self._session.scalar(_ANSWERED, values)
        return Entry.ALREADY_ANSWERED if answered else Entry.NOT_A_MEMBER

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


# Built once per dialect: an answer's statements are only bound and sent.
_ROUND = bindparam("of_round", type_=PARTICIPATION.c.round_id.type)
_PARTICIPANT = bindparam("the_participant", type_=PARTICIPATION.c.participant.type)
_VIEWER = bindparam("as_viewer", type_=PARTICIPATION.c.viewer.type)
_MAY_ANSWER = select(_ROUND, _PARTICIPANT, _VIEWER).where(
    or_(
        exists().where(MEMBERS.c.round_id == _ROUND, MEMBERS.c.member == _PARTICIPANT),
        ~exists().where(MEMBERS.c.round_id == _ROUND),
    )
)
_ENTER = {
    dialect: insert_selected_if_absent(
        dialect, PARTICIPATION, ["round_id", "participant", "viewer"], _MAY_ANSWER
    )
    for dialect in DIALECTS
}
_ANSWERED = select(
    exists().where(PARTICIPATION.c.round_id == _ROUND, PARTICIPATION.c.participant == _PARTICIPANT)
)
