"""A clock for tests of a running service (the manual one is surveys/manual_clock.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class ShiftedClock:
    """The real time, moved forward by hand: for tests of a running service, whose requests
    carry real timestamps while its rounds must reach their deadlines in no time."""

    def __init__(self) -> None:
        self.shift = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift

    def advance(self, **delta: float) -> None:
        self.shift += timedelta(**delta)
