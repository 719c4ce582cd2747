"""The back-off of a failed close: how long each try waits, and the one bound the claims
table is asked with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from scheduler.acts import RETRY_FIRST, RETRY_MOST, retry_failed_before, retry_wait

SLOT = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
SECONDS = st.integers(min_value=0, max_value=3 * 24 * 3600)


def test_the_waits_double_from_a_minute_to_half_an_hour() -> None:
    failed_at, waits = SLOT, []
    for _ in range(9):
        wait = retry_wait(SLOT, failed_at)
        waits.append(wait // timedelta(minutes=1))
        failed_at += wait  # tried as soon as the wait is over, and failed again
    assert waits == [1, 1, 2, 4, 8, 16, 30, 30, 30]


def test_a_close_first_failing_late_waits_at_most_half_an_hour() -> None:
    assert retry_wait(SLOT, SLOT + timedelta(hours=5)) == RETRY_MOST
    assert retry_wait(SLOT, SLOT + timedelta(seconds=10)) == RETRY_FIRST


@given(failed=SECONDS, later=SECONDS)
@example(failed=0, later=60)  # exactly at the end of each kind of wait: not yet
@example(failed=61, later=61)
@example(failed=1800, later=1800)
@example(failed=7200, later=1800)
def test_the_bound_picks_exactly_the_failures_whose_wait_is_over(failed: int, later: int) -> None:
    failed_at = SLOT + timedelta(seconds=failed)
    now = failed_at + timedelta(seconds=later)
    over = now > failed_at + retry_wait(SLOT, failed_at)
    assert (failed_at < retry_failed_before(SLOT, now)) is over
