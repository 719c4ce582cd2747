"""Like with like: a pillar's change compares the statements a round asked with the most
recent earlier reportable round that asked them all, scored on exactly those statements.

The pulse rotates statements, and statements differ in level by more than the noise rule's
bar, so comparing a round with whichever round came before would report changes of wording
as changes of the team (docs/measurement.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from content.schema import ContentPack, PillarKey
from surveys.scoring import Change, Histogram, PillarScore, change, score_pillars

# How many times over a statement must have had the chance to come back within the look-back:
# a statement returns every `bank size` pulses, and withheld rounds may lie in between.
OCCURRENCES_LOOKED_BACK = 3


@dataclass(frozen=True, slots=True)
class Asked:
    """A round that passed the gate: when it opened, how many answered, and its answer
    counts per statement, which later rounds compare with. Never built for a withheld round.
    `scores` are its pillars' scores by the statements each was scored on: a later round that
    asked exactly those takes the score as it is instead of working it out again."""

    opened_at: datetime
    respondents: int
    histograms: Mapping[str, Histogram]
    scores: Mapping[frozenset[str], PillarScore] = field(default_factory=dict)

    def asked_all(self, statement_ids: frozenset[str]) -> bool:
        """Whether this round asked (and was answered on) every one of `statement_ids`."""
        histograms = self.histograms
        for statement_id in statement_ids:
            counts = histograms.get(statement_id)
            if counts is None or not any(counts):
                return False
        return True


def lookback_rounds(content: ContentPack) -> int:
    """Closed rounds read before a round to find its comparison: enough for the largest bank's
    statements to come back OCCURRENCES_LOOKED_BACK times, withheld rounds included."""
    largest = max(len(content.statements_for(pillar)) for pillar in PillarKey)
    return OCCURRENCES_LOOKED_BACK * largest


def compare(
    content: ContentPack,
    current: PillarScore,
    statement_ids: frozenset[str],
    earlier: Sequence[Asked],
) -> Change | None:
    """The change of `current` (scored on `statement_ids`) against the newest of `earlier`
    (newest first) that asked them all, scored on the same statements; None when none did."""
    for past in earlier:
        if not past.asked_all(statement_ids):
            continue
        before = past.scores.get(statement_ids)
        if before is None:
            same = {s: past.histograms[s] for s in statement_ids}
            before = score_pillars(content, same, respondents=past.respondents)[current.pillar]
        return change(current, before, since=past.opened_at)
    return None
