"""Slots in the team's own time zone: DST, cadences, the barometer, the reminder's moment."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from surveys.rounds import RoundKind
from surveys.schedule import (
    QuietHours,
    kind_of_slot,
    next_open_slot,
    open_slot_at_or_before,
    reminder_slot,
)
from surveys.team import Cadence, TeamSettings

CPH = ZoneInfo("Europe/Copenhagen")
NYC = ZoneInfo("America/New_York")
SINCE = datetime(2026, 1, 1, tzinfo=UTC)


def _slots(settings: TeamSettings, start: datetime, count: int) -> list[datetime]:
    slots, after = [], start
    for _ in range(count):
        after = next_open_slot(settings, since=SINCE, after=after)
        slots.append(after)
    return slots


def test_weekly_slots_keep_local_time_across_the_spring_change() -> None:
    settings = TeamSettings(weekday=0, local_time=time(9, 0), timezone="Europe/Copenhagen")
    slots = _slots(settings, datetime(2026, 3, 16, tzinfo=UTC), 3)
    assert [s.astimezone(CPH).strftime("%a %d %H:%M") for s in slots] == [
        "Mon 16 09:00",
        "Mon 23 09:00",
        "Mon 30 09:00",
    ]
    # Winter time is UTC+1, summer time UTC+2 (the change is on 29 March 2026).
    assert [s.hour for s in slots] == [8, 8, 7]


def test_weekly_slots_across_the_autumn_change_in_another_zone() -> None:
    settings = TeamSettings(weekday=4, local_time=time(14, 30), timezone="America/New_York")
    slots = _slots(settings, datetime(2026, 10, 25, tzinfo=UTC), 3)
    assert [s.astimezone(NYC).strftime("%a %b %d %H:%M") for s in slots] == [
        "Fri Oct 30 14:30",
        "Fri Nov 06 14:30",
        "Fri Nov 13 14:30",
    ]
    assert [s.hour for s in slots] == [18, 19, 19]  # EDT is UTC-4, EST UTC-5 from 1 Nov


def test_a_time_in_the_spring_gap_moves_to_the_real_clock_time() -> None:
    settings = TeamSettings(weekday=6, local_time=time(2, 30), timezone="Europe/Copenhagen")
    slot = next_open_slot(settings, since=SINCE, after=datetime(2026, 3, 28, tzinfo=UTC))
    assert slot == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_biweekly_counts_from_the_first_slot_after_setup() -> None:
    settings = TeamSettings(cadence=Cadence.BIWEEKLY, weekday=2, timezone="Europe/Copenhagen")
    since = datetime(2026, 2, 3, 12, tzinfo=UTC)  # a Tuesday: the first slot is Wed 4 Feb
    slots = []
    after = since
    for _ in range(3):
        after = next_open_slot(settings, since=since, after=after)
        slots.append(after.astimezone(CPH).date().isoformat())
    assert slots == ["2026-02-04", "2026-02-18", "2026-03-04"]


def test_monthly_is_the_first_weekday_of_the_month() -> None:
    settings = TeamSettings(cadence=Cadence.MONTHLY, weekday=0, timezone="Europe/Copenhagen")
    slots = _slots(settings, datetime(2026, 1, 10, tzinfo=UTC), 4)
    assert [s.astimezone(CPH).date().isoformat() for s in slots] == [
        "2026-02-02",
        "2026-03-02",
        "2026-04-06",
        "2026-05-04",
    ]


def test_the_latest_slot_at_or_before_a_moment() -> None:
    settings = TeamSettings(weekday=0, local_time=time(9, 0), timezone="Europe/Copenhagen")
    monday_nine = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)
    assert open_slot_at_or_before(settings, since=SINCE, at=monday_nine) == monday_nine
    assert (
        open_slot_at_or_before(settings, since=SINCE, at=monday_nine + timedelta(days=3))
        == monday_nine
    )
    assert open_slot_at_or_before(
        settings, since=SINCE, at=monday_nine - timedelta(seconds=1)
    ) == monday_nine - timedelta(days=7)
    # Nothing before the team existed.
    assert open_slot_at_or_before(settings, since=monday_nine, at=monday_nine) is None


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        (3, [RoundKind.BAROMETER, RoundKind.PULSE, RoundKind.PULSE, RoundKind.BAROMETER]),
        (0, [RoundKind.PULSE] * 4),
    ],
)
def test_the_first_slot_of_a_quarter_is_a_barometer(months: int, expected: list[RoundKind]) -> None:
    settings = TeamSettings(weekday=0, timezone="Europe/Copenhagen")
    since = datetime(2026, 3, 1, tzinfo=UTC)
    slots = [
        datetime(2026, 3, 2, 8, tzinfo=UTC),  # the team's first round
        datetime(2026, 3, 9, 8, tzinfo=UTC),
        datetime(2026, 3, 30, 7, tzinfo=UTC),
        datetime(2026, 4, 6, 7, tzinfo=UTC),  # the first Monday of Q2
    ]
    kinds = [kind_of_slot(settings, s, since=since, barometer_months=months) for s in slots]
    assert kinds == expected


def test_the_reminder_is_mid_round_in_working_hours() -> None:
    opened = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)  # Monday 09:00 in Copenhagen
    closes = opened + timedelta(hours=72)
    slot = reminder_slot(opened, closes, zone=CPH, quiet=QuietHours())
    assert slot is not None  # the middle is Tuesday 21:00: the next morning instead
    assert slot.astimezone(CPH).strftime("%a %H:%M") == "Wed 09:00"


def test_a_night_reminder_moves_to_the_morning() -> None:
    opened = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)
    closes = opened + timedelta(hours=48)  # middle: Tuesday 09:00 local — allowed
    assert reminder_slot(opened, closes, zone=CPH, quiet=QuietHours()) == opened + timedelta(
        hours=24
    )
    late = opened + timedelta(hours=10)  # Monday 19:00
    closes = late + timedelta(hours=24)  # middle: Tuesday 07:00 local
    slot = reminder_slot(late, closes, zone=CPH, quiet=QuietHours())
    assert slot is not None
    assert slot.astimezone(CPH).strftime("%a %H:%M") == "Tue 09:00"


def test_a_weekend_reminder_moves_to_monday() -> None:
    opened = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)  # Friday 13:00
    closes = opened + timedelta(hours=96)  # middle: Sunday 13:00
    slot = reminder_slot(opened, closes, zone=CPH, quiet=QuietHours())
    assert slot is not None
    assert slot.astimezone(CPH).strftime("%a %H:%M") == "Mon 09:00"


def test_no_reminder_rather_than_one_at_night() -> None:
    opened = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)  # Friday 19:00
    closes = opened + timedelta(hours=24)  # all of it at night or at the weekend
    assert reminder_slot(opened, closes, zone=CPH, quiet=QuietHours()) is None
    anytime = QuietHours(enabled=False)
    assert reminder_slot(opened, closes, zone=CPH, quiet=anytime) == opened + timedelta(hours=12)
