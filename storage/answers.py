"""Answer counts on SQLAlchemy: running counts of an open round in the open-round store, and
a closed round's counts in `answer_counts`, written once at close as one aggregate."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from functools import cache

from sqlalchemy import (
    Update,
    bindparam,
    case,
    column,
    delete,
    func,
    insert,
    literal_column,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.conflicts import DIALECTS
from storage.open_store import COUNTS
from storage.row_lists import list_param, one_of, rows_cte, rows_params
from storage.tables import Base
from surveys.rounds import SCALE
from surveys.scoring import Histogram

_DURABLE = Base.metadata.tables["answer_counts"]


class SqlAnswers:
    """Counts per (round, statement, value), never one row per answer."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def prepare(self, round_id: str, statement_ids: Sequence[str]) -> None:
        """Create zero counts for every statement and value of a new round."""
        await self.prepare_all({round_id: statement_ids})

    async def prepare_all(self, rounds: Mapping[str, Sequence[str]]) -> None:
        """`prepare` for each of several new rounds (by id), in one statement."""
        rows = [
            {"round_id": round_id, "statement_id": s}
            for round_id, statement_ids in rounds.items()
            for s in statement_ids
        ]
        if rows:
            await self._session.execute(_PREPARE, rows)

    async def add(self, answers: Sequence[tuple[str, Sequence[tuple[str, int]]]]) -> None:
        """Count answers, each a round id and one person's (statement, value) pairs.

        Every count row of each round is rewritten, +n or +0, so that neither the rows' order
        nor their transaction ids in a copy of the store tell which ones these answers
        changed; the answers of one call are one statement.
        """
        chosen = Counter(
            (round_id, statement, value)
            for round_id, pairs in answers
            for statement, value in set(pairs)
        )
        if not chosen:
            return
        rows = [(*key, n) for key, n in sorted(chosen.items())]
        dialect = self._session.get_bind().dialect.name
        values = rows_params(_TALLY_ROWS, _TALLY, rows, dialect)
        values["rounds"] = list_param(sorted({round_id for round_id, _, _, _ in rows}), dialect)
        await self._session.execute(_counting(dialect), values)

    async def seal(self, round_id: str) -> None:
        """Move the round's counts into `answer_counts` as one aggregate, and empty them here."""
        await self._session.execute(
            insert(_DURABLE).from_select(
                ["round_id", "statement_id", "value", "count"],
                select(COUNTS.c.round_id, COUNTS.c.statement_id, COUNTS.c.value, COUNTS.c.count)
                .where(COUNTS.c.round_id == round_id)
                .order_by(COUNTS.c.statement_id, COUNTS.c.value),
            )
        )
        await self.discard(round_id)

    async def discard(self, round_id: str) -> None:
        """Forget an open round's running counts."""
        await self._session.execute(delete(COUNTS).where(COUNTS.c.round_id == round_id))

    async def histograms(self, round_ids: Collection[str]) -> dict[str, dict[str, Histogram]]:
        """The counts of each closed round, per answered statement."""
        if not round_ids:
            return {}
        result: dict[str, dict[str, Histogram]] = {}
        dialect = self._session.get_bind().dialect.name
        for round_id, statement_id, *counts in await self._session.execute(
            _HISTOGRAMS[dialect], {"round_ids": list_param(list(round_ids), dialect)}
        ):
            result.setdefault(round_id, {})[statement_id] = _histogram(counts)
        return result


# A trend reads some sixty rounds' counts: one row per (round, statement) with its five counts,
# summed up by the database (a fifth of the rows a row per value would be). Zero counts are
# most of the rows in a small team's round and say nothing: a statement nobody answered is
# left out.
_HISTOGRAMS = {
    dialect: select(
        _DURABLE.c.round_id,
        _DURABLE.c.statement_id,
        *(
            func.sum(case((_DURABLE.c.value == value, _DURABLE.c.count), else_=0))
            for value in SCALE
        ),
    )
    .where(one_of(_DURABLE.c.round_id, "round_ids", dialect), _DURABLE.c.count > 0)
    .group_by(_DURABLE.c.round_id, _DURABLE.c.statement_id)
    for dialect in DIALECTS
}


# A statement's zero counts, one per value of the scale: the values come from the database,
# so that a fan-out's thousand new rounds pass a fifth of the rows through the driver.
_SCALE = union_all(
    *(select(literal_column(str(v), COUNTS.c.value.type).label("value")) for v in SCALE)
).subquery()
_PREPARE = insert(COUNTS).from_select(
    ["round_id", "statement_id", "value", "count"],
    select(
        bindparam("round_id", type_=COUNTS.c.round_id.type),
        bindparam("statement_id", type_=COUNTS.c.statement_id.type),
        _SCALE.c.value,
        literal_column("0", COUNTS.c.count.type),
    ),
)
# One row per (round, statement, value) chosen by a call's answers, with how many chose it.
_TALLY_ROWS = "tally"
_TALLY = (
    column("round_id", COUNTS.c.round_id.type),
    column("statement_id", COUNTS.c.statement_id.type),
    column("value", COUNTS.c.value.type),
    column("n", COUNTS.c.count.type),
)


@cache
def _counting(dialect: str) -> Update:
    """+n where a tally row says so, +0 on every other row of the rounds named."""
    tally = rows_cte(_TALLY_ROWS, _TALLY, dialect)
    added = (
        select(tally.c.n)
        .where(
            tally.c.round_id == COUNTS.c.round_id,
            tally.c.statement_id == COUNTS.c.statement_id,
            tally.c.value == COUNTS.c.value,
        )
        .scalar_subquery()
    )
    return (
        update(COUNTS)
        .add_cte(tally)
        .where(one_of(COUNTS.c.round_id, "rounds", dialect))
        .values(count=COUNTS.c.count + func.coalesce(added, 0))
    )


def _histogram(counts: list[int]) -> Histogram:
    a, b, c, d, e = counts
    return (a, b, c, d, e)
