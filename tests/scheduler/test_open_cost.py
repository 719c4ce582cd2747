"""A scheduled open on SQL is three transactions (claim; round; where the message went, with
the claim marked sent) and a bounded number of statements, whatever the channel's size; opens
under way together share those three transactions, and their rounds' statements."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from scheduler.acts import Acts, Outcome, Rules
from storage.unit_of_work import SqlStorage
from surveys.claims import Act, ClaimStatus
from surveys.manual_clock import ManualClock
from surveys.service import PulseService
from surveys.team import ChannelRef, TeamSettings
from tests.storage.statements import statements

SET_UP = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # a Tuesday
MONDAY_NINE = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)  # 09:00 in Copenhagen
# The claim; the team, the pulses so far, the hack log, the round, its salt, its counts, its
# members and its roster; the message's place and the claim sent.
STATEMENTS = 11
# Per team opened together: its claim marked sent; the rest (the claims, the teams, their
# pulses so far and hack logs, the rounds, salts, counts, members, rosters, the messages'
# places) is one statement each for all of them.
STATEMENTS_EACH = 1
STATEMENTS_TOGETHER = 10


async def test_an_open_is_three_transactions_and_eleven_statements(engine: AsyncEngine) -> None:
    storage, service, acts, clock = _scheduler(engine, members=300)
    team = await service.set_up_team(ChannelRef("slack", "T1", "C1"), SETTINGS)
    clock.set(MONDAY_NINE + timedelta(seconds=3))
    with _counted(engine) as (begun, seen):
        assert await acts.open_due(team) is Outcome.DONE
    assert len(begun) == 3
    assert len(seen) == STATEMENTS, seen
    async with storage() as uow:
        assert await uow.claims.status(team.id, Act.OPEN, MONDAY_NINE) is ClaimStatus.SENT
        assert (await uow.rounds.open_for_team(team.id)) is not None


async def test_opens_under_way_together_share_transactions_and_statements(
    engine: AsyncEngine,
) -> None:
    storage, service, acts, clock = _scheduler(engine, members=30)
    teams = [
        await service.set_up_team(ChannelRef("slack", "T1", f"C{n}"), SETTINGS) for n in range(6)
    ]
    clock.set(MONDAY_NINE + timedelta(seconds=3))
    with _counted(engine) as (begun, seen):
        outcomes = await asyncio.gather(*(acts.open_due(team) for team in teams))
    assert outcomes == [Outcome.DONE] * len(teams)
    assert len(begun) == 3
    assert len(seen) == STATEMENTS_TOGETHER + STATEMENTS_EACH * len(teams), seen
    async with storage() as uow:
        for team in teams:
            assert await uow.claims.status(team.id, Act.OPEN, MONDAY_NINE) is ClaimStatus.SENT
            round_ = await uow.rounds.open_for_team(team.id)
            assert round_ is not None
            assert round_.message_ref is not None


SETTINGS = TeamSettings(weekday=0, local_time=time(9, 0), timezone="Europe/Copenhagen")


def _scheduler(
    engine: AsyncEngine, *, members: int
) -> tuple[SqlStorage, PulseService, Acts, ManualClock]:
    """The service and the scheduler's acts on `engine`, the clock where teams are set up."""
    clock = ManualClock(SET_UP)
    storage = SqlStorage(engine)
    service = PulseService(
        unit_of_work=storage,
        clock=clock,
        chat=MemoryChat(members=[f"U{n}" for n in range(members)]),
        content=default_pack(),
        secret_key=b"k" * 32,
    )
    acts = Acts(service=service, unit_of_work=storage, clock=clock, rules=Rules())
    return storage, service, acts, clock


@contextmanager
def _counted(engine: AsyncEngine) -> Iterator[tuple[list[object], list[str]]]:
    """The transactions begun and the statements sent (SQLite's BEGIN left out) inside."""
    begun: list[object] = []

    def begin(connection: object) -> None:
        begun.append(connection)

    event.listen(engine.sync_engine, "begin", begin)
    try:
        with statements(str(engine.url.database)) as seen:
            sent: list[str] = []
            yield begun, sent
    finally:
        event.remove(engine.sync_engine, "begin", begin)
    sent.extend(s for s in seen if not s.startswith("BEGIN"))
