"""A trend read again with nothing closed since is one statement on SQL: the stamp."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from storage.unit_of_work import SqlStorage
from surveys.manual_clock import ManualClock
from surveys.service import PulseService
from surveys.team import ChannelRef, TeamSettings
from tests.builders import T0
from tests.storage.statements import statements

MEMBERS = [f"U{n}" for n in range(8)]


async def test_a_trend_with_nothing_new_is_one_statement(engine: AsyncEngine) -> None:
    clock = ManualClock(T0)
    service = PulseService(
        unit_of_work=SqlStorage(engine),
        clock=clock,
        chat=MemoryChat(members=MEMBERS),
        content=default_pack(),
        secret_key=b"k" * 32,
    )
    team = await service.set_up_team(ChannelRef("slack", "T1", "C1"), TeamSettings())
    for _ in range(3):
        round_ = await service.open_round(team.id)
        for person in MEMBERS:
            answers = dict.fromkeys(round_.statement_ids, 4)
            await service.submit(round_.id, user_id=person, answers=answers)
        clock.advance(days=3)
        await service.close_round(round_.id)
        clock.advance(days=4)
    database = str(engine.url.database)
    with statements(database) as first:
        trend = await service.trend(team.id, rounds=52)
    with statements(database) as again:
        assert await service.trend(team.id, rounds=52) == trend
    assert len(trend.points) == 3
    assert len(_sent(first)) > 1
    assert len(_sent(again)) == 1, again


def _sent(seen: list[str]) -> list[str]:
    """The statements of the work itself, without SQLite's BEGIN IMMEDIATE."""
    return [s for s in seen if not s.startswith("BEGIN")]
