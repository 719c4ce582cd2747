"""The trend is kept between reads and worked out again whenever what it is made of changed,
on this replica or another (the store's stamp): a close, a hack done, a new k. It is kept as
bytes, and read back as the same trend."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from surveys.anonymity import RoundSummary, WithheldSummary
from surveys.manual_clock import ManualClock
from surveys.ports import UnitOfWorkFactory
from surveys.service import PulseService
from surveys.team import ChannelRef, TeamSettings
from surveys.trend import Trend
from surveys.trend_cache import FRESH, TrendCache
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
    assert await here.trend(team.id) == first  # nothing changed: the kept one

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
    assert await here.trend(team.id) == raised


async def test_the_kept_trend_is_read_again_after_a_while(storage: UnitOfWorkFactory) -> None:
    clock = ManualClock(T0)
    service = _replica(storage, clock)
    team = await service.set_up_team(ChannelRef("slack", "T1", "C1"), TeamSettings())
    await _a_round(service, team.id, clock, answered=5)
    kept = await service.trend(team.id)
    cache = TrendCache()
    cache.put(kept, 12, stamp="s", now=T0)
    assert cache.get(team.id, 12, stamp="s", now=T0 + FRESH - timedelta(seconds=1)) == kept
    assert cache.get(team.id, 12, stamp="s", now=T0 + FRESH) is None
    assert cache.get(team.id, 12, stamp="another", now=T0) is None
    assert cache.get(team.id, 3, stamp="s", now=T0) is None  # another number of rounds


async def test_a_kept_trend_reads_back_whole(storage: UnitOfWorkFactory) -> None:
    clock = ManualClock(T0)
    service = _replica(storage, clock)
    team = await service.set_up_team(ChannelRef("slack", "T1", "C1"), TeamSettings())
    for answered in (9, 4, 7):
        await _a_round(service, team.id, clock, answered=answered)
    hack = default_pack().hacks[0].id
    await service.start_discussion(team.id, hack)
    await service.hack_done(team.id, hack)
    trend = await service.trend(team.id)
    assert [type(p.result) for p in trend.points] == [RoundSummary, WithheldSummary, RoundSummary]
    assert trend.hacks
    assert trend.hacks_done
    cache = TrendCache()
    cache.put(trend, 12, stamp=1, now=T0)
    assert cache.get(team.id, 12, stamp=1, now=T0) == trend


def test_the_least_recently_read_trend_goes_first() -> None:
    cache = TrendCache(size=2)
    for team_id in ("a", "b"):
        cache.put(Trend(team_id=team_id, points=(), hacks_done=()), 12, stamp=0, now=T0)
    assert cache.get("a", 12, stamp=0, now=T0) is not None
    cache.put(Trend(team_id="c", points=(), hacks_done=()), 12, stamp=0, now=T0)
    assert cache.get("b", 12, stamp=0, now=T0) is None
    assert cache.get("a", 12, stamp=0, now=T0) is not None
