"""A backup during the close (issue 11, item 3): the scrub waits out older snapshots.

A `pg_dump` (or any transaction) that began before a close may still see what the close
deleted, so a table rewrite then would copy the deleted salt and hashes forward. The scrub
waits until no such snapshot is left, is retried meanwhile and counted, and once done the
open-round store's pages hold nothing of the round: read with pageinspect, as a superuser of
the live server would.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.engine import create_engine
from storage.open_store import TABLES
from storage.scrub import Scrubber
from storage.unit_of_work import SqlStorage
from surveys.manual_clock import ManualClock
from tests.builders import T0
from tests.privacy.scenario import Traces, found_in, play_round, service_on

pytestmark = pytest.mark.postgres


async def _pages(connection: AsyncConnection) -> bytes:
    """Every page of the open-round store's tables, live and dead rows alike."""
    blob = b""
    for table in TABLES:
        name = f"{table.schema}.{table.name}"
        size = await connection.scalar(text(f"SELECT pg_relation_size('{name}')"))
        for block in range(int(size or 0) // 8192):
            page = await connection.scalar(text(f"SELECT get_raw_page('{name}', {block})"))
            blob += bytes(page)
    return blob


async def test_the_scrub_waits_for_an_older_snapshot_then_leaves_nothing(
    cluster_database: URL, traces: Traces
) -> None:
    engine: AsyncEngine = create_engine(cluster_database)
    outcomes: list[str] = []
    scrubbed = asyncio.Event()

    def heard(outcome: str) -> None:
        outcomes.append(outcome)
        if outcome == "done":
            scrubbed.set()

    service = service_on(engine, ManualClock(T0))
    storage = service._uow
    assert isinstance(storage, SqlStorage)
    storage.scrubber = Scrubber(engine, heard, prompt_waits=(0.05,), later_waits=(0.1,) * 100)
    backup = await engine.connect()
    try:
        await backup.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
        await backup.commit()

        async def step(label: str) -> None:
            if label == "reminded":  # a "pg_dump" begins before the close
                await backup.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
                await backup.execute(text("SELECT count(*) FROM rounds"))

        await play_round(service, ManualClock(T0), step)
        needles = {
            needle: what
            for needle, what in traces.byte_needles().items()
            if what.startswith(("a round salt", "a participant hash"))
        }
        assert "done" not in outcomes
        # The deleted rows are still in the pages while the old snapshot may see them.
        async with engine.connect() as reader:
            assert found_in(await _pages(reader), needles)
        await backup.commit()  # the backup ends
        await asyncio.wait_for(scrubbed.wait(), timeout=20)
        assert "retried" in outcomes
        async with engine.connect() as reader:
            assert found_in(await _pages(reader), needles) == set()
    finally:
        await backup.close()
        await storage.scrubber.stop()
        await engine.dispose()


async def test_a_scrub_postgresql_skipped_is_not_counted_as_done(cluster_database: URL) -> None:
    """VACUUM FULL skips, with only a warning in the server's log, tables Tryghed's role does
    not own (as when migrations run as another role): the scrub checks the tables were
    rewritten, and says so at ERROR, instead of counting a scrub that did not happen."""
    admin = create_engine(cluster_database)
    role = f"tryghed_app_{uuid.uuid4().hex[:8]}"
    async with admin.begin() as connection:
        await connection.execute(text(f"CREATE ROLE {role} LOGIN"))
        await connection.execute(text(f"GRANT USAGE ON SCHEMA open_store TO {role}"))
    engine = create_engine(cluster_database.set(username=role))
    outcomes: list[str] = []
    gave_up = asyncio.Event()

    def heard(outcome: str) -> None:
        outcomes.append(outcome)
        if outcome == "failed":
            gave_up.set()

    scrubber = Scrubber(engine, heard, prompt_waits=(), later_waits=())
    try:
        await scrubber.after_close(1)
        await asyncio.wait_for(gave_up.wait(), timeout=10)
        assert outcomes == ["failed"]
        # Owning the tables, it does.
        async with admin.begin() as connection:
            for table in TABLES:
                await connection.execute(
                    text(f"ALTER TABLE {table.schema}.{table.name} OWNER TO {role}")
                )
        await scrubber.after_close(1)
        assert outcomes == ["failed", "done"]
    finally:
        await engine.dispose()
        async with admin.begin() as connection:
            for table in TABLES:
                await connection.execute(
                    text(f"ALTER TABLE {table.schema}.{table.name} OWNER TO CURRENT_USER")
                )
            await connection.execute(text(f"DROP OWNED BY {role}"))
            await connection.execute(text(f"DROP ROLE {role}"))
        await admin.dispose()
