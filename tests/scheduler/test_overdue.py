"""A round open past its deadline is visible: counted on /metrics and logged at ERROR, by the
scheduler's sync, naming only the round and how late it is."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.exposition import generate_latest

from app.metrics import Metrics
from bot.memory_chat import MemoryChat
from content.loader import default_pack
from scheduler.acts import Acts, Rules
from scheduler.timers import PulseScheduler
from surveys.manual_clock import ManualClock
from surveys.ports import UnitOfWorkFactory
from surveys.service import PulseService
from surveys.team import ChannelRef, TeamSettings
from tests.app.metrics_text import samples, value
from tests.scheduler.blips import Blips

MEMBERS = [f"U{i}" for i in range(1, 7)]
SET_UP = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
OVERDUE = "still open"


def _overdue_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if OVERDUE in r.getMessage()]


async def test_a_round_open_past_its_deadline_is_counted_and_logged(
    storage: UnitOfWorkFactory, caplog: pytest.LogCaptureFixture
) -> None:
    clock = ManualClock(SET_UP)
    chat = MemoryChat(members=list(MEMBERS))
    # The database refuses the service's commits (the close's) until told otherwise.
    blips = Blips(storage)
    service = PulseService(
        unit_of_work=blips, clock=clock, chat=chat, content=default_pack(), secret_key=b"k" * 32
    )
    metrics = Metrics()
    acts = Acts(
        service=service, unit_of_work=storage, clock=clock, rules=Rules(), observe=metrics.act
    )
    scheduler = PulseScheduler(
        acts, unit_of_work=storage, clock=clock, overdue=metrics.rounds_overdue
    )
    team = await service.set_up_team(ChannelRef("slack", "T1", "C1"), TeamSettings())
    round_ = await service.open_round(team.id)
    await service.submit(round_.id, user_id="U1", answers=dict.fromkeys(round_.statement_ids, 2))

    def overdue() -> float:
        text = generate_latest(metrics.registry).decode()
        # One number for the whole service: no team, channel or person as a label.
        assert {labels for (name, labels) in samples(text) if name == "tryghed_rounds_overdue"} == {
            frozenset()
        }
        return value(text, "tryghed_rounds_overdue")

    blips.failing = 1_000
    caplog.set_level(logging.INFO)
    for minutes in (0, 4):
        clock.set(round_.closes_at + timedelta(minutes=minutes))
        await scheduler.sync()
        assert overdue() == 0
    assert blips.failed == 2  # failed at the deadline, and again after its back-off
    assert _overdue_lines(caplog) == []

    clock.set(round_.closes_at + timedelta(minutes=7))
    await scheduler.sync()
    assert overdue() == 1
    [line] = _overdue_lines(caplog)
    assert line.levelno == logging.ERROR
    assert round_.id in line.getMessage()
    assert "7 min" in line.getMessage()
    assert team.id not in line.getMessage()
    assert not any(member in line.getMessage() for member in MEMBERS)

    # The database is back: the next try closes the round, and the gauge falls to zero.
    blips.failing = 0
    clock.set(round_.closes_at + timedelta(minutes=40))
    caplog.clear()
    await scheduler.sync()
    assert overdue() == 0
    assert _overdue_lines(caplog) == []
    assert len(chat.outcomes) == 1
    text = generate_latest(metrics.registry).decode()
    assert value(text, "tryghed_scheduled_acts_total", act="close", outcome="retried") == 2
    assert value(text, "tryghed_scheduled_acts_total", act="close", outcome="failed") == 2
    assert value(text, "tryghed_scheduled_acts_total", act="close", outcome="sent") == 1
