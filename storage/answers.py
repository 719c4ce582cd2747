"""Answer counts on SQLAlchemy: one row per (round, statement, value), never one per answer."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import Base
from surveys.rounds import SCALE
from surveys.scoring import EMPTY, Histogram

_COUNTS = Base.metadata.tables["answer_counts"]


class SqlAnswers:
    """Counts in `answer_counts`, created at zero when a round opens."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def prepare(self, round_id: str, statement_ids: Sequence[str]) -> None:
        """Create zero counts for every statement and value of a new round."""
        # Rows exist before anyone answers, so an answer is an UPDATE of a count and leaves
        # no trace of its own (no new row, no insertion order).
        await self._session.execute(
            insert(_COUNTS),
            [
                {"round_id": round_id, "statement_id": s, "value": v, "count": 0}
                for s in statement_ids
                for v in SCALE
            ],
        )

    async def add(self, round_id: str, answers: Sequence[tuple[str, int]]) -> None:
        """Count one person's answers, in the given (sorted) order to avoid lock cycles."""
        statement = (
            update(_COUNTS)
            .where(
                _COUNTS.c.round_id == bindparam("r"),
                _COUNTS.c.statement_id == bindparam("s"),
                _COUNTS.c.value == bindparam("v"),
            )
            .values(count=_COUNTS.c.count + 1)
        )
        connection = await self._session.connection()
        await connection.execute(statement, [{"r": round_id, "s": s, "v": v} for s, v in answers])

    async def histograms(self, round_ids: Collection[str]) -> dict[str, dict[str, Histogram]]:
        """The counts of each round, per answered statement."""
        if not round_ids:
            return {}
        # Zero counts are most of the rows in a small team's round and say nothing.
        rows = await self._session.execute(
            select(
                _COUNTS.c.round_id, _COUNTS.c.statement_id, _COUNTS.c.value, _COUNTS.c.count
            ).where(_COUNTS.c.round_id.in_(list(round_ids)), _COUNTS.c.count > 0)
        )
        result: dict[str, dict[str, list[int]]] = {}
        for round_id, statement_id, value, count in rows:
            counts = result.setdefault(round_id, {}).setdefault(statement_id, list(EMPTY))
            counts[value - 1] = count
        return {
            round_id: {s: _histogram(c) for s, c in statements.items()}
            for round_id, statements in result.items()
        }


def _histogram(counts: list[int]) -> Histogram:
    a, b, c, d, e = counts
    return (a, b, c, d, e)
