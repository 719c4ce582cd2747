"""A clock that moves only when told: a year of rounds in seconds (the demo), any deadline on
demand (tests)."""

from __future__ import annotations

from datetime import datetime, timedelta


class ManualClock:
    """A timezone-aware moment that moves only by `advance` and `set`."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a clock needs a timezone-aware start")
        self._now = start

    def now(self) -> datetime:
        """The clock's moment."""
        return self._now

    def advance(self, **delta: float) -> None:
        """Move forward by `timedelta(**delta)`."""
        self._now += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        """Jump to `moment`, earlier or later (what a scheduled job sees is up to its test)."""
        if moment.tzinfo is None:
            raise ValueError("a clock needs a timezone-aware moment")
        self._now = moment
