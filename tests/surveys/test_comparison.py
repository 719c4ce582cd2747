"""Like with like: a pillar's change compares the same statements with their last asking."""

from __future__ import annotations

from datetime import timedelta

import pytest

from content.schema import ContentPack, PillarKey
from surveys.comparison import Asked, compare, lookback_rounds
from surveys.scoring import Histogram, score_pillars
from tests.builders import T0

ALL_AGREE: Histogram = (0, 0, 0, 8, 0)  # 75 on a positive statement
ALL_NEUTRAL: Histogram = (0, 0, 8, 0, 0)  # 50
ALL_STRONGLY: Histogram = (0, 0, 0, 0, 8)  # 100


def _learn(content: ContentPack, histograms: dict[str, Histogram]) -> Asked:
    return Asked(opened_at=T0, respondents=8, histograms=histograms)


def test_a_pulse_compares_with_the_last_round_that_asked_its_statement(
    content: ContentPack,
) -> None:
    now = score_pillars(content, {"learn-1": ALL_AGREE}, respondents=8)[PillarKey.LEARN]
    week_ago = Asked(
        opened_at=T0 + timedelta(days=7),
        respondents=8,
        histograms={
            "learn-2": ALL_STRONGLY  # a different statement, reverse-keyed: scores 0
        },
    )
    month_ago = Asked(opened_at=T0, respondents=8, histograms={"learn-1": ALL_NEUTRAL})
    change = compare(content, now, frozenset({"learn-1"}), [week_ago, month_ago])
    assert change is not None
    assert change.since == T0
    assert change.delta == pytest.approx(25.0)
    assert change.notable


def test_a_barometer_is_scored_on_the_pulses_statement_only(content: ContentPack) -> None:
    # The barometer asked all four: learn-1 at 50, the others at 100 (the reverse one mirrored).
    barometer = {
        "learn-1": ALL_NEUTRAL,
        "learn-2": (8, 0, 0, 0, 0),
        "learn-3": ALL_STRONGLY,
        "learn-4": ALL_STRONGLY,
    }
    now = score_pillars(content, {"learn-1": ALL_NEUTRAL}, respondents=8)[PillarKey.LEARN]
    change = compare(content, now, frozenset({"learn-1"}), [_learn(content, barometer)])
    # Against the barometer's pillar score (87.5) this would be a notable drop; on the same
    # statement nothing changed.
    assert change is not None
    assert change.delta == pytest.approx(0.0)
    assert not change.notable


def test_a_barometer_needs_a_barometer(content: ContentPack) -> None:
    all_learn = dict.fromkeys(("learn-1", "learn-3", "learn-4"), ALL_AGREE) | {
        "learn-2": (0, 8, 0, 0, 0)
    }
    now = score_pillars(content, all_learn, respondents=8)[PillarKey.LEARN]
    pulse = _learn(content, {"learn-1": ALL_NEUTRAL})
    assert compare(content, now, frozenset(all_learn), [pulse]) is None


def test_the_lookback_lets_every_statement_come_back_three_times(content: ContentPack) -> None:
    largest = max(len(content.statements_for(p)) for p in PillarKey)
    assert lookback_rounds(content) == 3 * largest
