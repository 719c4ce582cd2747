"""Did it help? The round after a hack is done asks the team, anonymously, as one extra item.

The item rides along in the round like a statement (counted in the open-round store, sealed
or discarded at close with the rest), but it belongs to no pillar and never enters a score;
its result exists only for a round that passed the anonymity gate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from surveys.anonymity import RoundResult, RoundSummary
from surveys.scoring import Histogram

# The item's id names the hack it asks about, so the round carries all it needs; short, as
# it shares the statement id's column (40 characters) with a hack id.
ITEM_PREFIX = "helped:"


def helped_item(hack_id: str) -> str:
    """The item id that asks whether `hack_id` made a difference."""
    return ITEM_PREFIX + hack_id


def helped_hack(item_id: str) -> str | None:
    """The hack an item asks about, or None for a statement."""
    return item_id.removeprefix(ITEM_PREFIX) if item_id.startswith(ITEM_PREFIX) else None


def statement_counts(histograms: Mapping[str, Histogram]) -> dict[str, Histogram]:
    """A round's counts without the item: what the pillar scores are made of."""
    return {key: counts for key, counts in histograms.items() if helped_hack(key) is None}


@dataclass(frozen=True, slots=True)
class HelpedResult:
    """How many of those who answered agree (4 or 5) that the hack made a difference."""

    hack_id: str
    agree: int
    answers: int


def helped_result(result: RoundResult, histograms: Mapping[str, Histogram]) -> HelpedResult | None:
    """The item's result, only for a round that passed the gate (a withheld round has none)."""
    if not isinstance(result, RoundSummary):
        return None
    for item_id, counts in histograms.items():
        hack_id = helped_hack(item_id)
        if hack_id is not None and sum(counts) > 0:
            return HelpedResult(hack_id=hack_id, agree=counts[3] + counts[4], answers=sum(counts))
    return None
