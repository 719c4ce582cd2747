"""The retention rule: what is older than the retention, by the calendar."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from surveys.hack_log import HackEvent, HackLogEntry
from surveys.retention import (
    cutoff,
    hack_event_expired,
    purge_slot,
    round_expired,
    team_expired,
)
from tests.builders import T0, a_round, a_team


@pytest.mark.parametrize(
    ("now", "months", "expected"),
    [
        (datetime(2026, 3, 2, 8, 0, tzinfo=UTC), 24, datetime(2024, 3, 2, 8, 0, tzinfo=UTC)),
        (datetime(2026, 3, 2, 8, 0, tzinfo=UTC), 1, datetime(2026, 2, 2, 8, 0, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 1, datetime(2025, 12, 15, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
        # The month has no 31st: its last day.
        (datetime(2026, 3, 31, 12, 0, tzinfo=UTC), 1, datetime(2026, 2, 28, 12, 0, tzinfo=UTC)),
        (datetime(2028, 3, 31, tzinfo=UTC), 1, datetime(2028, 2, 29, tzinfo=UTC)),
        (datetime(2026, 12, 31, tzinfo=UTC), 6, datetime(2026, 6, 30, tzinfo=UTC)),
    ],
)
def test_the_cutoff_is_whole_calendar_months_back(
    now: datetime, months: int, expected: datetime
) -> None:
    assert cutoff(now, months=months) == expected


def test_the_cutoff_keeps_the_time_zone() -> None:
    now = datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
    assert cutoff(now, months=12).tzinfo == now.tzinfo
    assert cutoff(now, months=12).utcoffset() is not None


def test_the_cutoff_refuses_naive_times_and_bad_retentions() -> None:
    with pytest.raises(ValueError, match="timezone"):
        cutoff(datetime(2026, 3, 2), months=24)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="retention"):
        cutoff(T0, months=0)
    with pytest.raises(ValueError, match="retention"):
        cutoff(T0, months=1201)


def test_the_purge_slot_is_the_day_in_utc() -> None:
    late = datetime(2026, 3, 2, 23, 30, tzinfo=ZoneInfo("America/New_York"))  # 04:30Z on the 3rd
    assert purge_slot(late) == datetime(2026, 3, 3, tzinfo=UTC)
    assert purge_slot(datetime(2026, 3, 3, 0, 0, tzinfo=UTC)) == datetime(2026, 3, 3, tzinfo=UTC)


def test_what_is_older() -> None:
    before = T0 + timedelta(days=10)
    team = a_team()
    round_ = a_round(team)
    assert not round_expired(round_, before)  # open: never
    assert round_expired(replace(round_, closed_at=before - timedelta(seconds=1)), before)
    assert not round_expired(replace(round_, closed_at=before), before)
    entry = HackLogEntry(id="e", team_id=team.id, hack_id="h", event=HackEvent.DONE, at=before)
    assert not hack_event_expired(entry, before)
    assert hack_event_expired(replace(entry, at=before - timedelta(seconds=1)), before)
    assert not team_expired(team, before)  # active: never
    assert team_expired(replace(team, deactivated_at=before - timedelta(days=1)), before)
    assert not team_expired(replace(team, deactivated_at=before), before)
