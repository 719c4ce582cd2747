"""The trend is kept between reads and worked out again whenever what it is made of changed,
on this replica or another (the store's stamp): a close, a hack done, a new k."""

from __future__ import annotations

from dataclasses import replace

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from surveys.anonymity import RoundSummary, WithheldSummary
from surveys.manual_clock import ManualClock
from surveys.ports import UnitOfWorkFactory
from surveys.service import PulseService
from surveys.team import ChannelRef, TeamSettings
from tests.builders import T0

MEMBERS = [f"U{i}" for i in range(1, 10)]


def _replica(storage: UnitOfWorkFactory, clock: ManualClock) -> PulseService:
    return PulseService(
        unit_of_work=storage,
        clock=clock,
        chat=MemoryChat(members=list(MEMBERS)),
        content=default_pack(),
        secret_key=b"k" * 32,
    )


async def _a_round(service: PulseService, team_id: str, clock: ManualClock, answered: int) -> None:
    round_ = await service.open_round(team_id)
    for person in MEMBERS[:answered]:
        await service.submit(
            round_.id, user_id=person, answers=dict.fromkeys(round_.statement_ids, 4)
        )
    clock.advance(days=3)
    await service.close_round(round_.id)
    clock.advance(days=4)


async def test_another_replicas_close_hack_and_k_reach_the_kept_trend(
    storage: UnitOfWorkFactory,
) -> None:
    clock = ManualClock(T0)
    here, there = _replica(storage, clock), _replica(storage, clock)
    team = await here.set_up_team(ChannelRef("slack", "T1", "C1"), TeamSettings())
    await _a_round(here, team.id, clock, answered=5)
    first = await here.trend(team.id)
    assert len(first.points) == 1
    assert await here.trend(team.id) is first  # nothing changed: the kept one

    await _a_round(there, team.id, clock, answered=6)
    closed = await here.trend(team.id)
    assert len(closed.points) == 2

    hack = default_pack().hacks[0].id
    await there.hack_done(team.id, hack)
    done = await here.trend(team.id)
    assert [h.hack_id for h in done.hacks_done] == [hack]

    await there.set_up_team(team.channel, replace(team.settings, min_respondents=6))
    raised = await here.trend(team.id)
    assert [type(p.result) for p in raised.points] == [WithheldSummary, RoundSummary]
    assert await here.trend(team.id) is raised


async def test_the_kept_trend_is_read_again_after_a_while(storage: UnitOfWorkFactory) -> None:
    clock = ManualClock(T0)
    service = _replica(storage, clock)
    team = await service.set_up_team(ChannelRef("slack", "T1", "C1"), TeamSettings())
    await _a_round(service, team.id, clock, answered=5)
    kept = await service.trend(team.id)
    assert await service.trend(team.id, rounds=3) is not kept  # another number of rounds
    clock.advance(hours=2)
    again = await service.trend(team.id)
    assert again is not kept
    assert again == kept
