"""What the trend chart draws, as plain data: the only way a trend's numbers reach a chart.

Pure and language-free, so that tests can assert what a picture will show (and that nothing
the gate withholds is in it) without reading pixels.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from content.schema import ContentPack, PillarKey
from surveys.anonymity import RoundSummary
from surveys.trend import Trend

DAY_SECONDS = 86_400.0


class MarkKind(StrEnum):
    """What happened to a hack at a mark."""

    STARTED = "started"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class HackMark:
    """A hack started or done, on the panel of one of the pillars it is for."""

    pillar: PillarKey
    at: datetime
    kind: MarkKind
    hack_id: str


@dataclass(frozen=True, slots=True)
class PillarSeries:
    """One panel: a pillar's score per round, None where nothing may be shown."""

    pillar: PillarKey
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """Everything one chart draws; hashable, so that it can key a cache of pictures."""

    rounds: tuple[datetime, ...]  # when each round opened, oldest first
    shown: tuple[bool, ...]  # whether each round passed the gate
    pillars: tuple[PillarSeries, ...]
    marks: tuple[HackMark, ...]

    @property
    def withheld(self) -> int:
        """How many of the rounds are withheld."""
        return self.shown.count(False)

    def day(self, moment: datetime) -> float:
        """`moment` in days since the first round: the x axis."""
        return (moment - self.rounds[0]).total_seconds() / DAY_SECONDS


def chart_series(trend: Trend, content: ContentPack) -> ChartSeries:
    """The panels of `trend`, pillar by pillar in the pack's order, with its hacks' marks.

    A withheld round and a pillar a round did not ask are None: a gap, never a value."""
    rounds = tuple(point.opened_at for point in trend.points)
    return ChartSeries(
        rounds=rounds,
        shown=tuple(isinstance(point.result, RoundSummary) for point in trend.points),
        pillars=tuple(
            PillarSeries(pillar=pillar.key, values=tuple(trend.series(pillar.key)))
            for pillar in content.pillars
        ),
        marks=tuple(_marks(trend, content)) if rounds else (),
    )


def _marks(trend: Trend, content: ContentPack) -> Iterator[HackMark]:
    """Started and done marks within the chart's time (from its first round on), once each.

    A hack's log may say it was done without a period of its own in view (`hacks_done`
    reaches back as far as the rounds do): such a done is marked too."""
    first = trend.points[0].opened_at
    known = {hack.id: hack for hack in content.hacks}
    events: list[tuple[str, datetime, MarkKind]] = []
    for period in trend.hacks:
        events.append((period.hack_id, period.started_at, MarkKind.STARTED))
        if period.done_at is not None:
            events.append((period.hack_id, period.done_at, MarkKind.DONE))
    events += [(done.hack_id, done.at, MarkKind.DONE) for done in trend.hacks_done]
    seen: set[tuple[str, datetime, MarkKind]] = set()
    order = list(MarkKind)
    for hack_id, at, kind in sorted(events, key=lambda e: (e[1], order.index(e[2]), e[0])):
        # A hack of an earlier content pack has no name to show, and one before the first
        # round has no place on the axis.
        if (hack_id, at, kind) in seen or hack_id not in known or at < first:
            continue
        seen.add((hack_id, at, kind))
        for pillar in known[hack_id].pillars:
            yield HackMark(pillar=pillar, at=at, kind=kind, hack_id=hack_id)
