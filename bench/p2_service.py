"""P2 below the platform: the scheduler's opens through `Acts.open_due` on a chat that answers
at once, for counts that do not depend on the host's load. Prints, per database:

    P2-service <db> teams=… statements_per_team=… transactions_per_team=… cpu_ms_per_team=…

Statements are all the engine sends (BEGIN and COMMIT included where the driver sends them as
statements); transactions are the units of work begun; CPU is this process's CPU time (not
wall time) over the opens. Every team is checked opened exactly once afterwards.

    python bench/p2_service.py [--postgres postgresql://…/db] [--teams 300]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from functools import partial
from typing import Any

from sqlalchemy import event, func, select

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from scheduler.acts import Acts, Outcome, Rules
from scheduler.lanes import Lanes, workspace_of
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.open_store import TABLES
from storage.schema import METADATA
from storage.tables import RoundRow
from storage.unit_of_work import SqlStorage
from surveys.manual_clock import ManualClock
from surveys.service import PulseService
from surveys.team import ChannelRef, TeamSettings

SET_UP = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # a Tuesday
MONDAY_NINE = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)  # 09:00 in Copenhagen
WORKSPACES = 10
MEMBERS = [f"U{n:03d}" for n in range(12)]


async def _open(url: str, teams: int) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    async with engine.begin() as connection:
        for table in (*reversed(METADATA.sorted_tables), *TABLES):
            await connection.execute(table.delete())
    clock = ManualClock(SET_UP)
    storage = SqlStorage(engine)
    service = PulseService(
        unit_of_work=storage,
        clock=clock,
        chat=MemoryChat(members=MEMBERS),
        content=default_pack(),
        secret_key=b"k" * 32,
    )
    settings = TeamSettings(weekday=0, local_time=clock_time(9, 0), timezone="Europe/Copenhagen")
    made = [
        await service.set_up_team(
            ChannelRef("slack", f"T{n % WORKSPACES:03d}", f"C{n:05d}"), settings
        )
        for n in range(teams)
    ]
    acts = Acts(service=service, unit_of_work=storage, clock=clock, rules=Rules())
    clock.set(MONDAY_NINE + timedelta(seconds=3))
    sent = begun = 0

    def statement(*_args: Any) -> None:
        nonlocal sent
        sent += 1

    def transaction(*_args: Any) -> None:
        nonlocal begun
        begun += 1

    event.listen(engine.sync_engine, "before_cursor_execute", statement)
    event.listen(engine.sync_engine, "begin", transaction)
    lanes = Lanes()
    cpu, wall = time.process_time(), time.perf_counter()
    outcomes = await asyncio.gather(
        *(lanes.run(workspace_of(team), partial(acts.open_due, team)) for team in made)
    )
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    lanes.close()
    event.remove(engine.sync_engine, "before_cursor_execute", statement)
    event.remove(engine.sync_engine, "begin", transaction)
    assert outcomes == [Outcome.DONE] * teams, set(outcomes)
    async with engine.connect() as connection:
        opened = (await connection.execute(select(func.count()).select_from(RoundRow))).one()[0]
    assert opened == teams, (opened, teams)
    await engine.dispose()
    print(
        f"P2-service {engine.dialect.name} teams={teams} statements_per_team={sent / teams:.2f} "
        f"transactions_per_team={begun / teams:.2f} cpu_ms_per_team={1000 * cpu / teams:.2f} "
        f"wall_ms_per_team={1000 * wall / teams:.2f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="an empty PostgreSQL database (it is emptied)")
    parser.add_argument("--teams", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        urls = [f"sqlite+aiosqlite:///{scratch}/p2.db"]
        if args.postgres:
            urls.append(args.postgres)
        for url in urls:
            asyncio.run(_open(url, args.teams))


if __name__ == "__main__":
    main()
