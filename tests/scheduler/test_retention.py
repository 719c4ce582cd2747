"""The daily retention purge on every storage: exactly what is older, once a day per team."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Self

import pytest

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from scheduler.acts import Acts, Outcome, Rules
from scheduler.retention import PURGE_JOB, PurgeReport, Retention
from scheduler.timers import PulseScheduler
from surveys.claims import Act, ClaimStatus
from surveys.closing import seal
from surveys.hack_log import HackEvent, HackLogEntry
from surveys.manual_clock import ManualClock
from surveys.ports import UnitOfWorkFactory
from surveys.rounds import Round
from surveys.service import PulseService
from surveys.team import Team
from tests.builders import a_round, a_team
from tests.fakes.memory import MemoryRounds, MemoryStorage, MemoryUnitOfWork

NOW = datetime(2026, 6, 15, 3, 17, tzinfo=UTC)
CUTOFF = datetime(2024, 6, 15, 3, 17, tzinfo=UTC)  # 24 months back
TODAY = datetime(2026, 6, 15, tzinfo=UTC)


async def _closed(storage: UnitOfWorkFactory, team: Team, closed_at: datetime) -> Round:
    round_ = a_round(team, opened_at=closed_at - timedelta(hours=72))
    async with storage() as uow:
        await uow.rounds.add(round_, salt=b"s" * 32)
        await uow.answers.prepare(round_.id, round_.statement_ids)
        await seal(uow, round_, at=closed_at, min_respondents=0)
        await uow.commit()
    return round_


async def _logged(storage: UnitOfWorkFactory, team: Team, at: datetime) -> HackLogEntry:
    entry = HackLogEntry(
        id=uuid.uuid4().hex, team_id=team.id, hack_id="check-in-round", event=HackEvent.DONE, at=at
    )
    async with storage() as uow:
        await uow.hacks.add(entry)
        await uow.commit()
    return entry


async def _teams(storage: UnitOfWorkFactory, count: int) -> list[Team]:
    teams = [a_team(channel=f"C{n}") for n in range(count)]
    async with storage() as uow:
        for team in teams:
            await uow.teams.add(team)
        await uow.commit()
    return teams


async def test_the_purge_deletes_exactly_what_is_older_than_the_retention(
    storage: UnitOfWorkFactory,
) -> None:
    (team,) = await _teams(storage, 1)
    old = await _closed(storage, team, CUTOFF - timedelta(minutes=1))
    kept = await _closed(storage, team, CUTOFF)
    old_entry = await _logged(storage, team, CUTOFF - timedelta(days=1))
    kept_entry = await _logged(storage, team, CUTOFF + timedelta(days=1))
    open_round = a_round(team, opened_at=CUTOFF - timedelta(days=30))
    async with storage() as uow:
        await uow.rounds.add(open_round, salt=b"o" * 32)
        await uow.commit()

    retention = Retention(unit_of_work=storage, clock=ManualClock(NOW), months=24)
    report = await retention.purge()

    assert report == PurgeReport(teams=1, rounds=1, hack_events=1, claims=0)
    async with storage() as uow:
        assert await uow.rounds.get(old.id) is None
        assert [r.id for r in await uow.rounds.closed(team.id, limit=9)] == [kept.id]
        assert await uow.rounds.open_for_team(team.id) is not None
        entries = await uow.hacks.between(team.id, CUTOFF - timedelta(days=9), NOW)
        assert entries == [kept_entry]
        assert old_entry not in entries
        assert await uow.claims.status(team.id, Act.PURGE, TODAY) is ClaimStatus.SENT


async def test_each_team_is_purged_once_a_day_across_replicas(storage: UnitOfWorkFactory) -> None:
    teams = await _teams(storage, 4)
    for team in teams:
        await _closed(storage, team, CUTOFF - timedelta(days=3))
    clock = ManualClock(NOW)
    replicas = [Retention(unit_of_work=storage, clock=clock, months=24) for _ in range(3)]

    if isinstance(storage, MemoryStorage):  # not transactional across tasks: one at a time
        reports = [await replica.purge() for replica in replicas]
    else:
        reports = list(await asyncio.gather(*(replica.purge() for replica in replicas)))

    assert sum(r.teams for r in reports) == len(teams)
    assert sum(r.rounds for r in reports) == len(teams)
    assert all(r.failed == 0 for r in reports)
    assert [await replica.purge() for replica in replicas] == [PurgeReport()] * 3

    # The next day every team is purged again, and yesterday's purge claims are dropped.
    clock.advance(days=1)
    reports = [await replica.purge() for replica in replicas]
    assert sum(r.teams for r in reports) == len(teams)
    async with storage() as uow:
        for team in teams:
            assert await uow.claims.status(team.id, Act.PURGE, TODAY) is None
            assert (
                await uow.claims.status(team.id, Act.PURGE, TODAY + timedelta(days=1))
                is ClaimStatus.SENT
            )


async def test_a_team_switched_off_before_the_cutoff_is_deleted(
    storage: UnitOfWorkFactory,
) -> None:
    gone, stays = await _teams(storage, 2)
    async with storage() as uow:
        await uow.teams.update(replace(gone, deactivated_at=CUTOFF - timedelta(seconds=1)))
        await uow.teams.update(replace(stays, deactivated_at=CUTOFF))
        await uow.commit()

    report = await Retention(unit_of_work=storage, clock=ManualClock(NOW), months=24).purge()

    assert report.teams_deleted == 1
    async with storage() as uow:
        assert await uow.teams.get(gone.id) is None
        assert await uow.teams.get(stays.id) is not None


class _BrokenRounds(MemoryRounds):
    """Rounds whose purge fails for one team (the database refused, say)."""

    broken: str = ""

    async def remove_closed_before(self, team_id: str, before: datetime) -> int:
        if team_id == self.broken:
            raise ConnectionError("the database went away")
        return await super().remove_closed_before(team_id, before)


class _BrokenUnitOfWork(MemoryUnitOfWork):
    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.rounds = _BrokenRounds(self._work)
        return self


class _BrokenStorage(MemoryStorage):
    def __call__(self) -> MemoryUnitOfWork:
        return _BrokenUnitOfWork(self)


async def test_a_failed_purge_is_marked_and_the_others_go_on() -> None:
    storage = _BrokenStorage()
    broken, fine = await _teams(storage, 2)
    _BrokenRounds.broken = broken.id
    await _closed(storage, fine, CUTOFF - timedelta(days=1))

    report = await Retention(unit_of_work=storage, clock=ManualClock(NOW), months=24).purge()

    assert report == PurgeReport(teams=1, rounds=1, failed=1)
    async with storage() as uow:
        assert await uow.claims.status(broken.id, Act.PURGE, TODAY) is ClaimStatus.FAILED
        assert await uow.claims.status(fine.id, Act.PURGE, TODAY) is ClaimStatus.SENT


async def test_a_stopped_retention_purges_nothing(storage: UnitOfWorkFactory) -> None:
    (team,) = await _teams(storage, 1)
    await _closed(storage, team, CUTOFF - timedelta(days=1))
    retention = Retention(unit_of_work=storage, clock=ManualClock(NOW), months=24)
    await retention.stop()
    assert await retention.purge() == PurgeReport()


class WallClock:
    """The real time, as APScheduler's timers run on it."""

    def now(self) -> datetime:
        return datetime.now(UTC)


async def test_the_scheduler_purges_at_start_and_daily(storage: UnitOfWorkFactory) -> None:
    (team,) = await _teams(storage, 1)
    clock = WallClock()
    service = PulseService(
        unit_of_work=storage,
        clock=clock,
        chat=MemoryChat(),
        content=default_pack(),
        secret_key=b"k" * 32,
    )
    acts = Acts(service=service, unit_of_work=storage, clock=clock, rules=Rules())
    retention = Retention(unit_of_work=storage, clock=clock, months=24)
    scheduler = PulseScheduler(acts, unit_of_work=storage, clock=clock, retention=retention)
    await scheduler.start()
    try:
        slot = datetime.combine(datetime.now(UTC).date(), datetime.min.time(), tzinfo=UTC)
        for _ in range(500):
            async with storage() as uow:
                if await uow.claims.status(team.id, Act.PURGE, slot) is ClaimStatus.SENT:
                    break
            await asyncio.sleep(0.01)
        else:
            pytest.fail("the purge did not run at start")
        next_purge = scheduler.jobs()[PURGE_JOB]
        assert next_purge is not None
        assert next_purge.astimezone(UTC).time().isoformat() == "03:17:00"
        assert timedelta(0) < next_purge - datetime.now(UTC) <= timedelta(days=1)
    finally:
        await scheduler.stop()


async def test_a_switched_off_team_gets_no_scheduled_round(storage: UnitOfWorkFactory) -> None:
    (team,) = await _teams(storage, 1)
    async with storage() as uow:
        await uow.teams.update(replace(team, deactivated_at=NOW - timedelta(days=30)))
        await uow.commit()
    clock = ManualClock(NOW)
    chat = MemoryChat(members=["U1", "U2", "U3"])
    service = PulseService(
        unit_of_work=storage, clock=clock, chat=chat, content=default_pack(), secret_key=b"k" * 32
    )
    acts = Acts(service=service, unit_of_work=storage, clock=clock, rules=Rules())
    for days in range(8):  # a whole week of slots
        clock.set(NOW + timedelta(days=days))
        assert set((await acts.catch_up()).values()) <= {Outcome.NOT_DUE}
    assert chat.pulses == []
    scheduler = PulseScheduler(acts, unit_of_work=storage, clock=WallClock())
    await scheduler.start()
    try:
        assert f"open:{team.id}" not in scheduler.jobs()
    finally:
        await scheduler.stop()
