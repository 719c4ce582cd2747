"""Scoring: reverse items, the 0-100 mapping, favourable %, and the noise rule."""

from __future__ import annotations

import math

import pytest

from content.schema import ContentPack, PillarKey
from surveys.scoring import Change, Direction, PillarScore, change, corrected, score_pillars
from tests.builders import T0


def test_reverse_items_are_mirrored() -> None:
    assert corrected((1, 2, 3, 4, 5), reverse=True) == (5, 4, 3, 2, 1)
    assert corrected((1, 2, 3, 4, 5), reverse=False) == (1, 2, 3, 4, 5)


@pytest.mark.parametrize(
    ("histogram", "score", "favourable"),
    [
        ((4, 0, 0, 0, 0), 0.0, 0.0),
        ((0, 0, 0, 0, 4), 100.0, 100.0),
        ((0, 0, 4, 0, 0), 50.0, 0.0),
        ((0, 0, 0, 4, 0), 75.0, 100.0),
        ((1, 0, 1, 1, 1), 56.25, 50.0),
    ],
)
def test_score_maps_the_mean_to_0_100(
    content: ContentPack, histogram: tuple[int, int, int, int, int], score: float, favourable: float
) -> None:
    scores = score_pillars(content, {"include-1": histogram}, respondents=4)
    assert scores[PillarKey.INCLUDE].score == pytest.approx(score)
    assert scores[PillarKey.INCLUDE].favourable == pytest.approx(favourable)
    assert scores[PillarKey.INCLUDE].answers == 4


def test_a_reverse_item_counts_disagreement_as_safety(content: ContentPack) -> None:
    reverse = next(s for s in content.statements_for(PillarKey.LEARN) if s.reverse)
    plain = next(s for s in content.statements_for(PillarKey.LEARN) if not s.reverse)
    # Everyone strongly disagrees that mistakes are held against people, and strongly agrees
    # with the positive statement: both say the same thing, a perfect score.
    scores = score_pillars(
        content, {reverse.id: (5, 0, 0, 0, 0), plain.id: (0, 0, 0, 0, 5)}, respondents=5
    )
    assert scores[PillarKey.LEARN].score == pytest.approx(100.0)
    assert scores[PillarKey.LEARN].favourable == pytest.approx(100.0)
    assert scores[PillarKey.LEARN].answers == 10


def test_pillars_without_answers_are_left_out(content: ContentPack) -> None:
    scores = score_pillars(
        content, {"include-1": (0, 0, 0, 0, 0), "learn-1": (0, 1, 1, 1, 0)}, respondents=3
    )
    assert set(scores) == {PillarKey.LEARN}


def test_noise_is_judged_per_respondent(content: ContentPack) -> None:
    histogram = (0, 2, 2, 2, 0)  # values 2, 3, 4: sample sd = sqrt(0.8)
    one = score_pillars(content, {"learn-1": histogram}, respondents=6)[PillarKey.LEARN]
    assert one.standard_error == pytest.approx(25 * math.sqrt(0.8 / 6))
    # A barometer asks several statements per pillar: more answers, not more people.
    both = score_pillars(content, {"learn-1": histogram, "learn-3": histogram}, respondents=6)[
        PillarKey.LEARN
    ]
    assert both.answers == 12
    assert both.standard_error == pytest.approx(25 * math.sqrt(8 / 11 / 6))


def _score(score: float, se: float) -> PillarScore:
    return PillarScore(
        pillar=PillarKey.LEARN, score=score, favourable=0, answers=10, standard_error=se
    )


def test_a_change_is_notable_only_when_big_and_beyond_noise() -> None:
    assert change(_score(60, 2), _score(75, 2), since=T0) == Change(
        delta=-15, notable=True, since=T0
    )
    # Big but noisy: 15 points, yet the two rounds' noise is larger.
    assert change(_score(60, 8), _score(75, 8), since=T0).notable is False
    # Clear but small: below the 10-point bar.
    assert change(_score(66, 0.5), _score(75, 0.5), since=T0).notable is False
    assert change(_score(85, 2), _score(75, 2), since=T0).direction is Direction.UP
    assert change(_score(65, 2), _score(75, 2), since=T0).direction is Direction.DOWN
    assert change(_score(70, 2), _score(75, 2), since=T0).direction is Direction.FLAT


def test_exactly_ten_points_counts_when_clear() -> None:
    assert change(_score(65, 1), _score(75, 1), since=T0).notable is True


def test_ten_points_count_whatever_the_float_rounding() -> None:
    # Two scores computed in floating point may differ by 9.999999999999 for an exact 10.
    assert change(_score(65 + 1e-12, 1), _score(75, 1), since=T0).notable is True
    assert change(_score(65.01, 1), _score(75, 1), since=T0).notable is False
