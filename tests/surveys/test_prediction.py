"""A leader's prediction: the scale it is made on, its checks, and the gap to the result."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.schema import ContentPack, PillarKey
from surveys.prediction import (
    LARGE_GAP_POINTS,
    InvalidPrediction,
    Prediction,
    perception_report,
    pillars_asked,
    scale_score,
    validate_prediction,
)
from tests.bot.views.samples import a_summary, a_withheld, even
from tests.builders import a_round, a_team


def _prediction(**values: int) -> Prediction:
    return Prediction(
        round_id="r",
        team_id="t",
        leader_id="U-lead",
        values={PillarKey(k): v for k, v in values.items()},
    )


def test_the_scale_maps_to_scores_as_answers_do() -> None:
    assert [scale_score(v) for v in range(1, 6)] == [0.0, 25.0, 50.0, 75.0, 100.0]
    # A large gap is exactly one step on the scale.
    assert scale_score(2) - scale_score(1) == LARGE_GAP_POINTS


def test_a_prediction_gives_one_scale_point_per_pillar_asked(content: ContentPack) -> None:
    round_ = a_round(a_team(), statements=("include-1", "learn-1"))
    assert pillars_asked(content, round_) == (PillarKey.INCLUDE, PillarKey.LEARN)
    assert validate_prediction(content, round_, {"learn": 2, "include": 5}) == {
        PillarKey.INCLUDE: 5,
        PillarKey.LEARN: 2,
    }
    for wrong in (
        {"include": 5},  # a pillar left out
        {"include": 5, "learn": 2, "challenge": 3},  # a pillar the round does not ask
        {"include": 0, "learn": 2},
        {"include": 6, "learn": 2},
        {"include": True, "learn": 2},
        {"include": 2.0, "learn": 2},
    ):
        with pytest.raises(InvalidPrediction):
            validate_prediction(content, round_, wrong)  # type: ignore[arg-type]


def test_the_gap_is_the_result_less_the_prediction_and_large_from_one_step() -> None:
    result = a_summary(
        {PillarKey.INCLUDE: 50.0, PillarKey.LEARN: 76.0, PillarKey.CHALLENGE: 50.0 + 24.9}
    )
    report = perception_report(_prediction(include=5, learn=4, challenge=3), result)
    gaps = {gap.pillar: gap for gap in report.gaps}
    assert gaps[PillarKey.INCLUDE].gap == -50.0
    assert gaps[PillarKey.INCLUDE].large
    assert gaps[PillarKey.LEARN].gap == pytest.approx(1.0)
    assert not gaps[PillarKey.LEARN].large
    # 24.9 points reads as 25 (a 75 beside a 50): flagged as it is shown.
    assert gaps[PillarKey.CHALLENGE].large
    assert gaps[PillarKey.CHALLENGE].shown_points == 25
    assert report.large_gaps == (gaps[PillarKey.INCLUDE], gaps[PillarKey.CHALLENGE])
    assert report.withheld is None


def test_a_pillar_without_a_result_has_no_gap() -> None:
    report = perception_report(
        _prediction(include=3, learn=3), a_summary({PillarKey.INCLUDE: 50.0})
    )
    assert [gap.pillar for gap in report.gaps] == [PillarKey.INCLUDE]


def test_a_withheld_round_gives_no_gap() -> None:
    withheld = a_withheld(respondents=2)
    report = perception_report(_prediction(include=1, learn=5), withheld)
    assert report.gaps == ()
    assert report.large_gaps == ()
    assert report.withheld == withheld


@given(
    predicted=st.integers(min_value=1, max_value=5),
    result=st.floats(min_value=0, max_value=100, allow_nan=False),
)
def test_large_means_at_least_one_scale_step_either_way(predicted: int, result: float) -> None:
    (gap,) = perception_report(
        _prediction(include=predicted), a_summary({PillarKey.INCLUDE: result})
    ).gaps
    shown = abs(round(result) - scale_score(predicted))
    assert gap.shown_points == shown
    assert gap.large == (shown >= LARGE_GAP_POINTS)
    assert (gap.gap < 0) == (result < scale_score(predicted))


def test_every_pillar_of_a_summary_can_be_compared() -> None:
    report = perception_report(_prediction(**dict.fromkeys(PillarKey, 3)), a_summary(even(50)))
    assert [gap.gap for gap in report.gaps] == [0.0] * 4
