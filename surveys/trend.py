"""A team's trend over its latest closed rounds, with the hacks it ran in between."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from content.schema import PillarKey
from surveys.anonymity import RoundResult, RoundSummary
from surveys.hack_cycle import HackPeriod
from surveys.scoring import Change

# Falling participation is flagged (gently, to leaders) when the latest round is this many
# percentage points below the average of the rounds before it.
PARTICIPATION_DROP_POINTS = 20.0
PARTICIPATION_BASELINE_ROUNDS = 3


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One closed round as the trend shows it (withheld rounds show no scores)."""

    opened_at: datetime
    result: RoundResult

    @property
    def participation(self) -> float | None:
        """Respondents as a percentage of the channel at open, when the size is known; None
        for a withheld round, which shows no count in any form."""
        size = self.result.channel_size
        if not size or not isinstance(self.result, RoundSummary):
            return None
        return min(100.0, self.result.respondents / size * 100)

    def score(self, pillar: PillarKey) -> float | None:
        """The pillar's score in this round, or None when withheld or not asked."""
        if isinstance(self.result, RoundSummary) and pillar in self.result.pillars:
            return self.result.pillars[pillar].score.score
        return None


@dataclass(frozen=True, slots=True)
class HackDone:
    """A hack the team marked as run, and when."""

    hack_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Trend:
    """The latest rounds, oldest first, the hacks done in that period, and the hacks the
    team took up (when started and done) that reach into it."""

    team_id: str
    points: Sequence[TrendPoint]
    hacks_done: Sequence[HackDone]
    hacks: Sequence[HackPeriod] = ()

    def series(self, pillar: PillarKey) -> list[float | None]:
        """The pillar's scores, oldest first, None for withheld rounds."""
        return [point.score(pillar) for point in self.points]

    @property
    def latest(self) -> RoundSummary | None:
        """The latest reportable round, if any."""
        for point in reversed(self.points):
            if isinstance(point.result, RoundSummary):
                return point.result
        return None

    @property
    def latest_changes(self) -> dict[PillarKey, Change]:
        """The notable changes in the latest reportable round."""
        return self.latest.notable_changes if self.latest is not None else {}

    @property
    def participation_falling(self) -> bool:
        """Whether participation dropped clearly below its recent level."""
        rates = [p.participation for p in self.points if p.participation is not None]
        if len(rates) < PARTICIPATION_BASELINE_ROUNDS + 1:
            return False
        baseline = rates[-PARTICIPATION_BASELINE_ROUNDS - 1 : -1]
        return sum(baseline) / len(baseline) - rates[-1] >= PARTICIPATION_DROP_POINTS
