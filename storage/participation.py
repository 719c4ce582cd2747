"""Participation on SQLAlchemy: an open round's members and who answered it, as keyed hashes
in the open-round store only (storage/open_store.py)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import bindparam, column, delete, exists, func, insert, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from storage.conflicts import insert_selected_if_absent
from storage.open_store import MEMBERS, PARTICIPATION
from storage.row_lists import rows_cte, rows_params
from surveys.ballot import Entry, Participant

# Up to this many keys are looked up with IN (a list of parameters); more are matched in here.
LOOKUP_MAX = 500


class SqlParticipation:
    """Hashes in `open_store.members` and `open_store.participation`, deleted at close."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def admit(self, round_id: str, members: Collection[str]) -> None:
        """Record who may answer the round: the channel's members when it opened."""
        await self.admit_all({round_id: members})

    async def admit_all(self, rounds: Mapping[str, Collection[str]]) -> None:
        """`admit` for each of several rounds (by id), in one statement."""
        rows = [
            {"round_id": round_id, "member": m}
            for round_id, members in rounds.items()
            for m in set(members)
        ]
        if rows:
            await self._session.execute(_ADMIT, rows)

    async def enter(self, participants: Sequence[Participant]) -> list[Entry]:
        """Record participants unless they answered already or were not members when their
        round opened (a round opened before members were kept: anyone). The membership check
        and the insert are one statement for all of them; only refusals are looked up again,
        to tell a second answer from an outsider."""
        # A person twice in one call: the first counts, the second is a second answer.
        first = {(p.round_id, p.key): p for p in reversed(participants)}
        rows = [(p.round_id, p.key, p.viewer) for p in first.values()]
        dialect = self._session.get_bind().dialect.name
        found = await self._session.execute(
            _entering(dialect), rows_params(_ROWS, _INCOMING, rows, dialect)
        )
        counted = {(row[0], row[1]) for row in found}
        refused = [key for key in first if key not in counted]
        answered: set[tuple[str, str]] = set()
        if refused:
            found = await self._session.execute(_ANSWERED, {"pairs": refused})
            answered = {(row[0], row[1]) for row in found}
        entries = []
        for participant in participants:
            key = (participant.round_id, participant.key)
            if key in counted and first[key] is participant:
                entries.append(Entry.COUNTED)
            elif key in counted or key in answered:
                entries.append(Entry.ALREADY_ANSWERED)
            else:
                entries.append(Entry.NOT_A_MEMBER)
        return entries

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


_ADMIT = insert(MEMBERS)
# The rows a call enters (storage/row_lists.py); its membership check is one statement.
_ROWS = "incoming"
_INCOMING = (
    column("round_id", PARTICIPATION.c.round_id.type),
    column("participant", PARTICIPATION.c.participant.type),
    column("viewer", PARTICIPATION.c.viewer.type),
)


@cache
def _entering(dialect: str) -> ReturningInsert[Any]:
    """For `dialect`, the insert of a call's rows (built once: compiled once)."""
    incoming = rows_cte(_ROWS, _INCOMING, dialect)
    may_answer = select(incoming.c.round_id, incoming.c.participant, incoming.c.viewer).where(
        or_(
            exists().where(
                MEMBERS.c.round_id == incoming.c.round_id,
                MEMBERS.c.member == incoming.c.participant,
            ),
            ~exists().where(MEMBERS.c.round_id == incoming.c.round_id),
        )
    )
    return insert_selected_if_absent(
        dialect, PARTICIPATION, ["round_id", "participant", "viewer"], may_answer
    ).add_cte(incoming)


_ANSWERED = select(PARTICIPATION.c.round_id, PARTICIPATION.c.participant).where(
    tuple_(PARTICIPATION.c.round_id, PARTICIPATION.c.participant).in_(
        bindparam("pairs", expanding=True)
    )
)
