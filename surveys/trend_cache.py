"""The trends this process has worked out, each kept with the stamp it was read under.

A trend changes only when something it is made of changes: a round of the team closes (or
is deleted by retention), its hack log grows or shrinks, or its k changes. The store sums
that up in a stamp read with one indexed query (TeamRepository.trend_stamp), so another
replica's close is seen as surely as this one's; an equal stamp means the kept trend is
still the truth. Kept for at most FRESH, as the hack log is read over a window that slides.

A trend is kept as bytes (pickled), not as the objects it is made of: a 52-round trend is
some 800 objects the garbage collector tracks, 2,048 of them over a million, and every full
collection walked them all (pauses of tens of milliseconds: P3's slowest percent, and any
request's that a collection fell into). Bytes are not walked; a 52-round trend is some 20 KB
and unpickles in under a millisecond.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from surveys.trend import Trend

# A trend holds only what passed the anonymity gate; 2,048 of 52 rounds are some 40 MB.
KEPT = 2048
FRESH = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class _Kept:
    stamp: object
    at: datetime
    trend: bytes


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
        # Bytes this process pickled itself (put), never anything read from outside.
        trend: Trend = pickle.loads(kept.trend)  # noqa: S301
        return trend

    def put(self, trend: Trend, rounds: int, *, stamp: object, now: datetime) -> None:
        """Keep `trend` (of `rounds` rounds shown), read under `stamp` at `now`."""
        self._kept[(trend.team_id, rounds)] = _Kept(stamp, now, _pickled(trend))
        self._kept.move_to_end((trend.team_id, rounds))
        while len(self._kept) > self._size:
            self._kept.popitem(last=False)


def _pickled(trend: Trend) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, pickle.HIGHEST_PROTOCOL).dump(trend)
    return buffer.getvalue()


class _Pickler(pickle.Pickler):
    """Pickles a dataclass as a call with its fields in order: half the time of the default
    for slotted dataclasses (a Python __getstate__ and __setstate__ per object)."""

    def reducer_override(self, obj: Any) -> Any:
        """The dataclass and its field values, or NotImplemented for everything else."""
        kind = type(obj)
        if kind not in _FIELDS:
            _FIELDS[kind] = _positional_fields(kind)
        names = _FIELDS[kind]
        if names is None:
            return NotImplemented
        return kind, tuple([getattr(obj, name) for name in names])


def _positional_fields(kind: type) -> tuple[str, ...] | None:
    """The field names of a dataclass built from all its fields in order (None otherwise:
    pickled the default way)."""
    if not dataclasses.is_dataclass(kind):
        return None
    fields = dataclasses.fields(kind)
    if not all(f.init and not f.kw_only for f in fields):
        return None
    return tuple(f.name for f in fields)


_FIELDS: dict[type, tuple[str, ...] | None] = {}
