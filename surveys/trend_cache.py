"""The trends this process has worked out, each kept with the stamp it was read under.

A trend changes only when something it is made of changes: a round of the team closes (or
is deleted by retention), its hack log grows or shrinks, or its k changes. The store sums
that up in a stamp read with one indexed query (TeamRepository.trend_stamp), so another
replica's close is seen as surely as this one's; an equal stamp means the kept trend is
still the truth. Kept for at most FRESH, as the hack log is read over a window that slides.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from surveys.trend import Trend

# A trend holds only what passed the anonymity gate; a thousand teams' fit in a few MB.
KEPT = 2048
FRESH = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class _Kept:
    stamp: object
    at: datetime
    trend: Trend


class TrendCache:
    """The latest trends worked out, by (team, rounds shown), least recently used first out."""

    def __init__(self, *, size: int = KEPT) -> None:
        self._size = size
        self._kept: OrderedDict[tuple[str, int], _Kept] = OrderedDict()

    def get(self, team_id: str, rounds: int, *, stamp: object, now: datetime) -> Trend | None:
        """The kept trend, if it was read under `stamp` and not too long ago."""
        kept = self._kept.get((team_id, rounds))
        if kept is None or kept.stamp != stamp or not kept.at <= now < kept.at + FRESH:
            return None
        self._kept.move_to_end((team_id, rounds))
        return kept.trend

    def put(self, trend: Trend, rounds: int, *, stamp: object, now: datetime) -> None:
        """Keep `trend` (of `rounds` rounds shown), read under `stamp` at `now`."""
        self._kept[(trend.team_id, rounds)] = _Kept(stamp, now, trend)
        self._kept.move_to_end((trend.team_id, rounds))
        while len(self._kept) > self._size:
            self._kept.popitem(last=False)
