"""The round repository on SQLAlchemy, with the per-round salt beside it."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    RowMapping,
    Select,
    Table,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.conflicts import DIALECTS, insert_if_absent
from storage.open_store import PARTICIPATION, SALTS, TABLES
from storage.row_lists import list_param, one_of
from storage.tables import RoundRow
from storage.team_rows import TEAMS, team_of
from surveys.ballot import Ballot
from surveys.errors import RoundAlreadyOpen
from surveys.ports import RowLock
from surveys.rounds import Round, RoundKind

# A Table (the mapping declares it so): insert() and update() take it as such.
ROUNDS = cast(Table, RoundRow.__table__)

# Set on the session when a round closes, so the unit of work scrubs after committing: on
# PostgreSQL the close's transaction id (older snapshots may still see what it deleted).
SCRUB_AFTER_COMMIT = "tryghed.scrub_after_commit"


class SqlRounds:
    """Rounds in `rounds`; an open round's salt in the open-round store."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, round_: Round, *, salt: bytes) -> None:
        """Store a new open round; RoundAlreadyOpen if the team has one (a unique index)."""
        if not await self.add_all([(round_, salt)]):
            raise RoundAlreadyOpen()

    async def add_all(self, rounds: Sequence[tuple[Round, bytes]]) -> set[str]:
        """Store new open rounds, each with its salt, in two statements; the ids of those
        stored (a round of a team that has one open is left out, as is the second of two
        for one team)."""
        if not rounds:
            return set()
        adding = _ADD[self._session.get_bind().dialect.name]
        added = set(
            (await self._session.execute(adding, [_row(r) for r, _salt in rounds])).scalars()
        )
        salts = [{"round_id": r.id, "salt": salt} for r, salt in rounds if r.id in added]
        if salts:
            await self._session.execute(_ADD_SALT, salts)
        return added

    async def get(self, round_id: str, *, lock: RowLock | None = None) -> Round | None:
        """The round, optionally locked (shared or exclusive) until the unit of work ends."""
        row = (await self._session.execute(_GET[lock], {"round_id": round_id})).first()
        return round_of(row._mapping) if row else None

    async def ballots(self, round_ids: Collection[str], *, lock: bool = True) -> dict[str, Ballot]:
        """Each round (given `lock`, locked shared: a close locks it exclusively, so it waits
        for this unit of work) with its team, salt and count, in one statement."""
        if not round_ids:
            return {}
        dialect = self._session.get_bind().dialect.name
        rows = await self._session.execute(
            _ballots(dialect, lock=lock), {"round_ids": list_param(list(round_ids), dialect)}
        )
        return {row.id: _ballot_of(row._mapping) for row in rows}

    async def open_for_team(self, team_id: str) -> Round | None:
        """The team's open round, if any."""
        row = (
            await self._session.execute(
                select(ROUNDS).where(ROUNDS.c.team_id == team_id, ROUNDS.c.closed_at.is_(None))
            )
        ).first()
        return round_of(row._mapping) if row else None

    async def discard(self, round_id: str) -> None:
        """Delete a round that never reached anyone, with all it has in the open-round store."""
        await self._session.execute(delete(RoundRow).where(RoundRow.id == round_id))
        await forget_open(self._session, [round_id])

    async def all_open(self) -> list[Round]:
        """Every open round, of every team."""
        rows = await self._session.execute(select(ROUNDS).where(ROUNDS.c.closed_at.is_(None)))
        return [round_of(row) for row in rows.mappings()]

    async def set_message_refs(self, refs: Mapping[str, str]) -> None:
        """Remember where each round's pulse message was posted, in one statement."""
        if refs:
            await self._session.execute(
                _SET_MESSAGE_REF, [{"round": r, "ref": ref} for r, ref in refs.items()]
            )

    async def mark_reminded(self, round_id: str) -> None:
        """Record that the round's one reminder went out."""
        await self._session.execute(
            update(RoundRow).where(RoundRow.id == round_id).values(reminded=True)
        )

    async def lost(self) -> list[Round]:
        """Open rounds whose salt is gone: the open-round store was lost (a database crash)."""
        rows = await self._session.execute(
            select(ROUNDS).where(
                ROUNDS.c.closed_at.is_(None), ~exists().where(SALTS.c.round_id == ROUNDS.c.id)
            )
        )
        return [round_of(row) for row in rows.mappings()]

    async def restart(self, round_id: str, *, salt: bytes, at: datetime) -> None:
        """Give a lost round a new salt and record when it started asking again."""
        await self._session.execute(
            update(RoundRow).where(RoundRow.id == round_id).values(restarted_at=at, reminded=False)
        )
        await forget_open(self._session, [round_id])
        await self._session.execute(insert(SALTS).values(round_id=round_id, salt=salt))

    async def salt(self, round_id: str) -> bytes | None:
        """The salt of an open round (None once closed, or lost)."""
        return await self._session.scalar(select(SALTS.c.salt).where(SALTS.c.round_id == round_id))

    async def close(
        self, round_id: str, *, closed_at: datetime, respondents: int, eligible: int
    ) -> None:
        """Close the round and destroy its salt."""
        await self._session.execute(
            update(RoundRow)
            .where(RoundRow.id == round_id)
            .values(closed_at=closed_at, respondents=respondents, eligible_respondents=eligible)
        )
        await self._session.execute(delete(SALTS).where(SALTS.c.round_id == round_id))
        await scrub_after_commit(self._session)

    async def closed(
        self, team_id: str, *, limit: int, before: datetime | None = None
    ) -> list[Round]:
        """The team's closed rounds, newest first."""
        query = select(ROUNDS).where(ROUNDS.c.team_id == team_id, ROUNDS.c.closed_at.is_not(None))
        if before is not None:
            query = query.where(ROUNDS.c.opened_at < before)
        rows = await self._session.execute(query.order_by(ROUNDS.c.opened_at.desc()).limit(limit))
        return [round_of(row) for row in rows.mappings()]

    async def counts(self, team_ids: Collection[str], *, kind: RoundKind) -> dict[str, int]:
        """How many rounds of `kind` each team has had, in one statement."""
        dialect = self._session.get_bind().dialect.name
        rows = await self._session.execute(
            _COUNTS[dialect], {"teams": list_param(list(team_ids), dialect), "kind": kind.value}
        )
        return dict.fromkeys(team_ids, 0) | {row[0]: row[1] for row in rows}

    async def remove_closed_before(self, team_id: str, before: datetime) -> int:
        """Delete the team's rounds closed before `before`; their counts go with them."""
        result = await self._session.execute(
            delete(RoundRow).where(
                RoundRow.team_id == team_id,
                RoundRow.closed_at.is_not(None),
                RoundRow.closed_at < before,
            ),
            execution_options={"synchronize_session": False},
        )
        return cast("CursorResult[Any]", result).rowcount


# Built once: an answer's statement is only bound and sent, not put together again.
_TEAM = "team__"


@cache
def _ballots(dialect: str, *, lock: bool) -> Select[Any]:
    """Rounds by id, with their team, salt and count (locked shared given `lock`)."""
    query = (
        select(
            ROUNDS,
            *(column.label(_TEAM + column.name) for column in TEAMS.c),
            SALTS.c.salt.label("round_salt"),
            select(func.count())
            .where(PARTICIPATION.c.round_id == ROUNDS.c.id)
            .scalar_subquery()
            .label("answered"),
        )
        .join_from(ROUNDS, TEAMS, TEAMS.c.id == ROUNDS.c.team_id)
        .outerjoin(SALTS, SALTS.c.round_id == ROUNDS.c.id)
        .where(one_of(ROUNDS.c.id, "round_ids", dialect))
    )
    return query.with_for_update(read=True, of=ROUNDS) if lock else query


def _ballot_of(values: RowMapping) -> Ballot:
    return Ballot(
        round=round_of(values),
        team=team_of(values, prefix=_TEAM),
        salt=values["round_salt"],
        respondents=values["answered"],
    )


def _row(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.id,
        "team_id": round_.team_id,
        "kind": round_.kind.value,
        "statement_ids": list(round_.statement_ids),
        "opened_at": round_.opened_at,
        "closes_at": round_.closes_at,
        "closed_at": round_.closed_at,
        "channel_size": round_.channel_size,
        "min_respondents": round_.min_respondents,
        "respondents": round_.respondents,
        "eligible_respondents": round_.eligible_respondents,
        "restarted_at": round_.restarted_at,
        "message_ref": round_.message_ref,
        "reminded": round_.reminded,
    }


def round_of(row: RowMapping) -> Round:
    """A round from a row of `rounds` read with Core."""
    return Round(
        id=row["id"],
        team_id=row["team_id"],
        kind=RoundKind(row["kind"]),
        statement_ids=tuple(row["statement_ids"]),
        opened_at=row["opened_at"],
        closes_at=row["closes_at"],
        closed_at=row["closed_at"],
        channel_size=row["channel_size"],
        min_respondents=row["min_respondents"],
        respondents=row["respondents"],
        eligible_respondents=row["eligible_respondents"],
        restarted_at=row["restarted_at"],
        message_ref=row["message_ref"],
        reminded=row["reminded"],
    )


async def forget_open(session: AsyncSession, round_ids: list[str]) -> None:
    """Delete everything the open-round store holds of these rounds (it has no foreign keys:
    on SQLite it is another file)."""
    for table in TABLES:
        await session.execute(delete(table).where(table.c.round_id.in_(round_ids)))


async def scrub_after_commit(session: AsyncSession) -> None:
    """Have the unit of work scrub the open-round store once this transaction commits."""
    postgres = session.get_bind().dialect.name == "postgresql"
    xid = await session.scalar(text("SELECT txid_current()")) if postgres else 0
    session.info[SCRUB_AFTER_COMMIT] = int(xid or 0)


_BY_ID = select(ROUNDS).where(ROUNDS.c.id == bindparam("round_id"))
# A thousand teams due at once are a thousand of these: Core statements built once (the ORM's
# bulk insert and its evaluating update cost more than the statement itself). A round the
# team's open round (a unique index) keeps out is not inserted, rather than failing the
# statement: opens share a transaction (surveys/opening.py), which must go on on PostgreSQL.
_ADD = {dialect: insert_if_absent(dialect, ROUNDS) for dialect in DIALECTS}
_ADD_SALT = insert(SALTS)
_SET_MESSAGE_REF = (
    update(ROUNDS).where(ROUNDS.c.id == bindparam("round")).values(message_ref=bindparam("ref"))
)
_GET: dict[RowLock | None, Select[Any]] = {
    None: _BY_ID,
    "share": _BY_ID.with_for_update(read=True),
    "update": _BY_ID.with_for_update(),
}
_COUNTS = {
    dialect: select(ROUNDS.c.team_id, func.count())
    .where(one_of(ROUNDS.c.team_id, "teams", dialect), ROUNDS.c.kind == bindparam("kind"))
    .group_by(ROUNDS.c.team_id)
    for dialect in DIALECTS
}
