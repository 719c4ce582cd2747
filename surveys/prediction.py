"""A leader's private prediction of the team's result, and the gap to what the team answered.

A leader predicts on the scale people answer on (one of its five labels per pillar), mapped to
0-100 as scores are: 1 → 0, 2 → 25, … 5 → 100. After the close only that leader sees, per
pillar, the prediction beside the gated result; a withheld round shows no number and no gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from content.schema import ContentPack, PillarKey
from surveys.anonymity import RoundResult, RoundSummary, WithheldSummary
from surveys.errors import TryghedError
from surveys.rounds import SCALE, Round

# One step on the answer scale is 25 points: a gap this large means the team's average answer
# sits at least one label away from the leader's guess ("Enig" predicted, "Hverken enig eller
# uenig" answered), which the noise of a pulse with k or more people rarely explains.
LARGE_GAP_POINTS = 25.0


class NotALeader(TryghedError):
    """Only the team's leaders may predict its result."""

    key = "error-not-a-leader"


class InvalidPrediction(TryghedError):
    """The prediction does not give one scale label for each pillar the round asks."""

    key = "error-invalid-prediction"


def scale_score(value: int) -> float:
    """A point on the 1-5 answer scale as a 0-100 score, the way pillar scores are mapped."""
    return (value - 1) / 4 * 100


def pillars_asked(content: ContentPack, round_: Round) -> tuple[PillarKey, ...]:
    """The pillars a round asks about, in the house's order."""
    asked = {content.statement(s).pillar for s in round_.statement_ids}
    return tuple(key for key in PillarKey if key in asked)


@dataclass(frozen=True, slots=True)
class Prediction:
    """One leader's guess for one round: a point on the answer scale per pillar asked."""

    round_id: str
    team_id: str
    leader_id: str
    values: Mapping[PillarKey, int]


def validate_prediction(
    content: ContentPack, round_: Round, values: Mapping[str, int]
) -> dict[PillarKey, int]:
    """Exactly one scale point for each pillar the round asks, or InvalidPrediction."""
    asked = pillars_asked(content, round_)
    if set(values) != set(asked) or any(
        type(value) is not int or value not in SCALE for value in values.values()
    ):
        raise InvalidPrediction()
    return {key: values[key] for key in asked}


@dataclass(frozen=True, slots=True)
class PillarGap:
    """A pillar's predicted score beside the team's (gated) score."""

    pillar: PillarKey
    predicted: int  # the scale point the leader chose
    result: float

    @property
    def gap(self) -> float:
        """The team's score minus the prediction, in points (negative: the team felt less safe)."""
        return self.result - scale_score(self.predicted)

    @property
    def shown_points(self) -> int:
        """The gap in whole points, as the leader reads it: the team's score as shown (to the
        point) less the prediction, so that the words never contradict the numbers beside."""
        return abs(round(self.result) - round(scale_score(self.predicted)))

    @property
    def large(self) -> bool:
        """Whether the gap, as shown, is at least one step on the answer scale."""
        return self.shown_points >= LARGE_GAP_POINTS


@dataclass(frozen=True, slots=True)
class PerceptionReport:
    """What one leader is told after the close: the gaps, or only that the result is withheld."""

    round_id: str
    gaps: tuple[PillarGap, ...]
    withheld: WithheldSummary | None = None

    @property
    def large_gaps(self) -> tuple[PillarGap, ...]:
        """The pillars the leader misjudged by at least one scale step."""
        return tuple(gap for gap in self.gaps if gap.large)


def perception_report(prediction: Prediction, result: RoundResult) -> PerceptionReport:
    """The leader's prediction against the round's gated result; a withheld round gives no
    number at all, so no gap."""
    if not isinstance(result, RoundSummary):
        return PerceptionReport(round_id=prediction.round_id, gaps=(), withheld=result)
    gaps = tuple(
        PillarGap(pillar=key, predicted=value, result=result.pillars[key].score.score)
        for key, value in prediction.values.items()
        if key in result.pillars
    )
    return PerceptionReport(round_id=prediction.round_id, gaps=gaps)
