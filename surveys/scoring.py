"""Pillar scores from answer counts: reverse items, the 0-100 mapping, favourable %, noise."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from content.schema import ContentPack, PillarKey

Histogram = tuple[int, int, int, int, int]
"""How many answers a statement got for each value 1..5 in one round."""

SCALE_VALUES = (1, 2, 3, 4, 5)
NOTABLE_POINTS = 10.0
Z_95 = 1.96
# Two scores computed in floating point can differ from their exact difference in the last
# bits: exactly 10 points must count as 10, whichever way the rounding went.
SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class PillarScore:
    """A pillar's result in one round."""

    pillar: PillarKey
    score: float
    favourable: float
    answers: int
    standard_error: float


class Direction(StrEnum):
    """Which way a pillar moved against the round it is compared with."""

    UP = "up"
    DOWN = "down"
    FLAT = "flat"


@dataclass(frozen=True, slots=True)
class Change:
    """A pillar's change in points on the same statements, whether it stands out from the
    noise, and when the round it compares with opened."""

    delta: float
    notable: bool
    since: datetime

    @property
    def direction(self) -> Direction:
        """Up or down when notable, otherwise flat."""
        if not self.notable:
            return Direction.FLAT
        return Direction.UP if self.delta > 0 else Direction.DOWN


def corrected(histogram: Histogram, *, reverse: bool) -> Histogram:
    """The histogram as if the statement were positively worded (x becomes 6 - x)."""
    if not reverse:
        return histogram
    a, b, c, d, e = histogram
    return (e, d, c, b, a)


def score_pillars(
    content: ContentPack,
    histograms: Mapping[str, Histogram],
    *,
    respondents: int,
) -> dict[PillarKey, PillarScore]:
    """Each asked pillar's score from the round's answer counts per statement."""
    merged: dict[PillarKey, list[int]] = {}
    for statement_id, histogram in histograms.items():
        statement = content.statement(statement_id)
        counts = merged.get(statement.pillar)
        if counts is None:
            counts = merged[statement.pillar] = [0, 0, 0, 0, 0]
        # Unrolled: a trend scores every pillar of some sixty rounds, and their comparisons.
        a, b, c, d, e = corrected(histogram, reverse=statement.reverse)
        counts[0] += a
        counts[1] += b
        counts[2] += c
        counts[3] += d
        counts[4] += e
    return {
        pillar: _score(pillar, counts, respondents=respondents)
        for pillar, counts in merged.items()
        if any(counts)
    }


def _score(pillar: PillarKey, counts: Sequence[int], *, respondents: int) -> PillarScore:
    # Written out for the values 1..5 (SCALE_VALUES), summed in that order as before: the
    # same floats, without a generator per sum.
    c1, c2, c3, c4, c5 = counts
    n = c1 + c2 + c3 + c4 + c5
    mean = (c1 + 2 * c2 + 3 * c3 + 4 * c4 + 5 * c5) / n
    squares = (
        c1 * (1 - mean) ** 2
        + c2 * (2 - mean) ** 2
        + c3 * (3 - mean) ** 2
        + c4 * (4 - mean) ** 2
        + c5 * (5 - mean) ** 2
    )
    variance = squares / (n - 1) if n > 1 else 0.0
    # One person's answers on a pillar are correlated, so the noise is judged per respondent,
    # not per answer: the conservative choice when a barometer asks several statements.
    people = max(1, min(respondents, n))
    return PillarScore(
        pillar=pillar,
        score=(mean - 1) / 4 * 100,
        favourable=(c4 + c5) / n * 100,
        answers=n,
        standard_error=25 * math.sqrt(variance / people),
    )


def change(current: PillarScore, previous: PillarScore, *, since: datetime) -> Change:
    """The change from `previous` (opened at `since`) to `current`, both scored on the same
    statements; notable only if ≥ 10 points and beyond the 95 % noise of the two."""
    delta = current.score - previous.score
    noise = Z_95 * math.hypot(current.standard_error, previous.standard_error)
    return Change(
        delta=delta,
        notable=abs(delta) >= NOTABLE_POINTS - SLACK and abs(delta) > noise,
        since=since,
    )
