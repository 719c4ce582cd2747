"""Signals in a team's gated trend that point at one of the toolkit's traps.

The signals read only what the anonymity gate lets out: participation and scores of reportable
rounds, and the fact (already shown to the team) that a round was withheld because too few
answered. Nothing here knows a person. Thresholds (docs/leader.md, "Trap signals"):

- Avoidance: participation fell at each of the latest AVOIDANCE_STEPS steps (four rounds),
  by at least AVOIDANCE_DROP_POINTS percentage points in all, or down to a round withheld
  because fewer than k answered. One low round is a busy week or a holiday; a slide over a
  month of weekly rounds is a pattern.
- A falling pillar: its latest FALLING_COMPARISONS changes (each against the reportable round
  before, as the gate compares) are all down, by at least scoring.NOTABLE_POINTS together,
  and the latest is the newest reportable round's. Either reading is offered, never a
  diagnosis: resistance to something new, or stress.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from content.schema import PillarKey, TrapKey
from surveys.anonymity import RoundSummary, WithheldReason, WithheldSummary
from surveys.scoring import NOTABLE_POINTS
from surveys.trend import Trend, TrendPoint

AVOIDANCE_STEPS = 3
AVOIDANCE_DROP_POINTS = 15.0
FALLING_COMPARISONS = 2


@dataclass(frozen=True, slots=True)
class TrapNote:
    """The private note to a team's facilitators and leaders: what the trend shows and which
    traps may lie behind it, the likeliest first."""

    avoidance: bool
    falling: tuple[PillarKey, ...]

    @property
    def traps(self) -> tuple[TrapKey, ...]:
        """The traps to name, each once: avoidance (its signal), resistance, then stress."""
        traps: list[TrapKey] = []
        if self.avoidance:
            traps.append(TrapKey.AVOIDANCE)
        if self.falling:
            traps.append(TrapKey.RESISTANCE)
        traps.append(TrapKey.STRESS)
        return tuple(traps)


# A round withheld because too few answered: below every reportable round, whatever its size.
_BELOW_K = float("-inf")


def _level(point: TrendPoint) -> float | None:
    """Participation as the gate lets it out: a reportable round's rate, "below k" for a
    round withheld for too few answers, unknown otherwise (overlap, or no channel size)."""
    result = point.result
    if isinstance(result, WithheldSummary):
        return _BELOW_K if result.reason is WithheldReason.TOO_FEW else None
    return point.participation


def avoidance(trend: Trend) -> bool:
    """Whether participation slid over the latest rounds (see the module's docstring)."""
    if len(trend.points) < AVOIDANCE_STEPS + 1:
        return False
    levels = [_level(point) for point in trend.points[-AVOIDANCE_STEPS - 1 :]]
    known = [level for level in levels if level is not None]
    if len(known) < len(levels):
        return False
    if _BELOW_K in known[:-1]:
        return False  # from below k, a step can only stay there or rise
    falling = all(later < earlier for earlier, later in pairwise(known))
    return falling and known[0] - known[-1] >= AVOIDANCE_DROP_POINTS


def falling_pillars(trend: Trend) -> tuple[PillarKey, ...]:
    """The pillars that fell at their latest comparisons (see the module's docstring)."""
    summaries = [p.result for p in trend.points if isinstance(p.result, RoundSummary)]
    if not summaries:
        return ()
    newest = summaries[-1]
    falling: list[PillarKey] = []
    for key in PillarKey:
        deltas = [
            (summary is newest, change.delta)
            for summary in summaries
            if key in summary.pillars and (change := summary.pillars[key].change) is not None
        ][-FALLING_COMPARISONS:]
        if (
            len(deltas) == FALLING_COMPARISONS
            and deltas[-1][0]
            and all(delta < 0 for _, delta in deltas)
            and -sum(delta for _, delta in deltas) >= NOTABLE_POINTS
        ):
            falling.append(key)
    return tuple(falling)


def trap_note(trend: Trend) -> TrapNote | None:
    """The note a close sends privately when a signal is on; None when none is."""
    note = TrapNote(avoidance=avoidance(trend), falling=falling_pillars(trend))
    if not note.avoidance and not note.falling:
        return None
    return note
