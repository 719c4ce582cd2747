"""What the survey tables hold, for tests asserting that a request stored nothing at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, func, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.open_store import COUNTS, PARTICIPATION, SCHEMA, TABLES, side_file_for
from storage.schema import METADATA

# Everything a person's request could change; claims and addresses belong to the scheduler
# and to Teams' installation events.
SURVEY_TABLES: tuple[Table, ...] = (
    *(METADATA.tables[name] for name in ("teams", "rounds", "answer_counts", "hack_log")),
    *TABLES,
)

Snapshot = dict[str, frozenset[str]]


def reader(url: str | URL) -> AsyncEngine:
    """An engine that only reads (none of the app's SQLite write-lock settings), with the
    open-round store attached on SQLite as the app has it."""
    parsed = make_url(url)
    engine = create_async_engine(parsed)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        side = str(side_file_for(Path(parsed.database)))

        @event.listens_for(engine.sync_engine, "connect")
        def _attach(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"ATTACH DATABASE ? AS {SCHEMA}", (side,))
            cursor.close()

    return engine


async def snapshot(engine: AsyncEngine) -> Snapshot:
    """Every row of the survey tables, the open-round store's included."""
    async with engine.connect() as connection:
        return {
            # Rows as text: some columns hold JSON lists, which no set can hold.
            str(table): frozenset(
                repr(tuple(row)) for row in await connection.execute(select(table))
            )
            for table in SURVEY_TABLES
        }


async def tally(engine: AsyncEngine, round_id: str) -> tuple[dict[str, int], int]:
    """An open round's answers counted per statement, and its participation rows: when every
    answer form was stored whole or not at all, each statement's total equals the latter."""
    async with engine.connect() as connection:
        totals = await connection.execute(
            select(COUNTS.c.statement_id, func.sum(COUNTS.c.count))
            .where(COUNTS.c.round_id == round_id)
            .group_by(COUNTS.c.statement_id)
        )
        respondents = await connection.scalar(
            select(func.count())
            .select_from(PARTICIPATION)
            .where(PARTICIPATION.c.round_id == round_id)
        )
    return {str(statement): int(total) for statement, total in totals}, int(respondents or 0)
