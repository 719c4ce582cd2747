"""What the survey tables hold, for tests asserting that a request stored nothing at all."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.schema import METADATA

# Everything a person's request could change; claims and addresses belong to the scheduler
# and to Teams' installation events.
SURVEY_TABLES = ("teams", "rounds", "round_salts", "participation", "answer_counts", "hack_log")

Snapshot = dict[str, frozenset[str]]


def reader(url: str | URL) -> AsyncEngine:
    """An engine that only reads (none of the app's SQLite write-lock settings)."""
    return create_async_engine(url)


async def snapshot(engine: AsyncEngine) -> Snapshot:
    """Every row of the survey tables."""
    async with engine.connect() as connection:
        return {
            # Rows as text: some columns hold JSON lists, which no set can hold.
            name: frozenset(
                repr(tuple(row)) for row in await connection.execute(select(METADATA.tables[name]))
            )
            for name in SURVEY_TABLES
        }


async def tally(engine: AsyncEngine, round_id: str) -> tuple[dict[str, int], int]:
    """An open round's answers counted per statement, and its participation rows: when every
    answer form was stored whole or not at all, each statement's total equals the latter."""
    counts = METADATA.tables["answer_counts"]
    participation = METADATA.tables["participation"]
    async with engine.connect() as connection:
        totals = await connection.execute(
            select(counts.c.statement_id, func.sum(counts.c.count))
            .where(counts.c.round_id == round_id)
            .group_by(counts.c.statement_id)
        )
        respondents = await connection.scalar(
            select(func.count())
            .select_from(participation)
            .where(participation.c.round_id == round_id)
        )
    return {str(statement): int(total) for statement, total in totals}, int(respondents or 0)
