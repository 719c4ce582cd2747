"""A clock the demo moves by hand, so a year of rounds runs in seconds."""

from __future__ import annotations

from datetime import datetime, timedelta


class SimulatedClock:
    """A settable, timezone-aware clock."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the simulated clock needs a timezone-aware start")
        self._now = start

    def now(self) -> datetime:
        """The simulated time."""
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to `moment` (never backwards)."""
        self._now = max(self._now, moment)

    def advance(self, delta: timedelta) -> None:
        """Move forward by `delta`."""
        self._now += delta
