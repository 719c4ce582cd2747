"""Attack 2, during the round: a copy of the open-round store (a `pg_dump` without
`--no-unlogged-table-data`, a look at the live tables) must not tell, by `xmin`, which counts
which answers changed — also when answers arrive together and are stored in batches, several
batches in flight at once (surveys/group_commit.py): every batch rewrites all of the round's
counts, so they always carry one writer, the latest."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from storage.engine import create_engine
from storage.unit_of_work import SqlStorage
from surveys.manual_clock import ManualClock
from surveys.service import PulseService
from surveys.team import TeamSettings
from tests.builders import T0
from tests.privacy.scenario import CHANNEL, PEOPLE, SECRET, VECTORS

pytestmark = pytest.mark.postgres


async def _writers(engine: AsyncEngine, round_id: str) -> set[str]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT xmin::text FROM open_store.counts WHERE round_id = :round_id"),
            {"round_id": round_id},
        )
        return {row[0] for row in rows}


async def test_xmin_of_an_open_rounds_counts_names_one_writer(cluster_database: URL) -> None:
    engine = create_engine(cluster_database)
    try:
        service = PulseService(
            unit_of_work=SqlStorage(engine),
            clock=ManualClock(T0),
            chat=MemoryChat(members=list(PEOPLE)),
            content=default_pack(),
            secret_key=SECRET,
            answer_writers=3,
        )
        team = await service.set_up_team(CHANNEL, TeamSettings())
        round_ = await service.open_round(team.id)
        answers = [dict(zip(round_.statement_ids, v, strict=True)) for v in VECTORS]
        first, *rest = zip(PEOPLE, answers, strict=True)
        await service.submit(round_.id, user_id=first[0], answers=first[1])
        assert len(await _writers(engine, round_.id)) == 1
        # The others at once: one batch or several side by side, each rewriting every count.
        await asyncio.gather(*(service.submit(round_.id, user_id=p, answers=a) for p, a in rest))
        assert len(await _writers(engine, round_.id)) == 1
        assert (await service.status(round_.id)).respondents == len(PEOPLE)
    finally:
        await engine.dispose()
