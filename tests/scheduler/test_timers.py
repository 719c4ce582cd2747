"""APScheduler timers: the cron agrees with the domain's slots, and timers follow the database."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from scheduler.acts import Acts, Rules
from scheduler.timers import PulseScheduler, open_trigger
from surveys.ports import UnitOfWorkFactory
from surveys.schedule import QuietHours, next_open_slot
from surveys.service import PulseService
from surveys.team import Cadence, ChannelRef, TeamSettings


class WallClock:
    """The real time: APScheduler's timers run on it, so the acts must too."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@pytest.mark.parametrize(
    "settings",
    [
        TeamSettings(weekday=0, local_time=time(9, 0), timezone="Europe/Copenhagen"),
        TeamSettings(weekday=4, local_time=time(14, 30), timezone="America/New_York"),
        TeamSettings(cadence=Cadence.MONTHLY, weekday=2, timezone="Asia/Tokyo"),
    ],
)
def test_the_cron_fires_exactly_at_the_domains_slots(settings: TeamSettings) -> None:
    since = datetime(2026, 1, 1, tzinfo=UTC)
    trigger = open_trigger(settings)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    fired: list[datetime] = []
    previous = None
    for _ in range(40):  # through the spring and autumn clock changes
        previous = trigger.get_next_fire_time(previous, previous or now)
        fired.append(previous)
    expected, after = [], now - timedelta(seconds=1)
    for _ in range(40):
        after = next_open_slot(settings, since=since, after=after)
        expected.append(after)
    assert [f.astimezone(UTC) for f in fired] == expected


def test_biweekly_fires_every_week_and_the_slot_rule_picks_every_other() -> None:
    settings = TeamSettings(cadence=Cadence.BIWEEKLY, weekday=1, timezone="Europe/Copenhagen")
    trigger = open_trigger(settings)
    first = trigger.get_next_fire_time(None, datetime(2026, 3, 1, tzinfo=UTC))
    second = trigger.get_next_fire_time(first, first)
    assert second - first == timedelta(days=7)


async def test_timers_follow_teams_and_rounds(storage: UnitOfWorkFactory) -> None:
    clock = WallClock()
    chat = MemoryChat(members=["U1", "U2", "U3"])
    service = PulseService(
        unit_of_work=storage, clock=clock, chat=chat, content=default_pack(), secret_key=b"k" * 32
    )
    acts = Acts(
        service=service,
        unit_of_work=storage,
        clock=clock,
        rules=Rules(quiet=QuietHours(enabled=False)),
    )
    scheduler = PulseScheduler(acts, unit_of_work=storage, clock=clock)
    team = await service.set_up_team(ChannelRef("slack", "T1", "C1"), TeamSettings())
    await scheduler.start()
    try:
        assert scheduler.running
        jobs = scheduler.jobs()
        expected = next_open_slot(team.settings, since=team.created_at, after=clock.now())
        assert jobs[f"open:{team.id}"] == expected
        assert "sync" in jobs

        round_ = await service.open_round(team.id)
        await scheduler.sync()
        jobs = scheduler.jobs()
        assert jobs[f"close:{round_.id}"] == round_.closes_at
        assert (
            jobs[f"remind:{round_.id}"]
            == round_.opened_at + (round_.closes_at - round_.opened_at) / 2
        )

        await service.close_round(round_.id)
        await service.set_paused(team.id, paused=True)
        await scheduler.sync()
        assert set(scheduler.jobs()) == {"sync"}
    finally:
        await scheduler.stop()
    assert not scheduler.running
