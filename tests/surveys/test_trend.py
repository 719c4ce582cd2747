"""Trend: series with gaps for withheld rounds, latest notable changes, falling participation."""

from __future__ import annotations

from datetime import timedelta

from content.schema import PillarKey
from surveys.anonymity import PillarResult, RoundResult, RoundSummary, WithheldSummary
from surveys.rounds import RoundKind
from surveys.scoring import Change, PillarScore
from surveys.trend import Trend, TrendPoint
from tests.builders import T0


def _summary(respondents: int, learn: float, delta: float | None = None) -> RoundSummary:
    return RoundSummary(
        round_id="r",
        kind=RoundKind.PULSE,
        closed_at=T0,
        respondents=respondents,
        channel_size=10,
        pillars={
            PillarKey.LEARN: PillarResult(
                score=PillarScore(
                    pillar=PillarKey.LEARN, score=learn, favourable=0, answers=5, standard_error=1
                ),
                change=None
                if delta is None
                else Change(delta=delta, notable=abs(delta) >= 10, since=T0),
            )
        },
    )


def _withheld(respondents: int) -> WithheldSummary:
    return WithheldSummary(
        round_id="w",
        kind=RoundKind.PULSE,
        closed_at=T0,
        respondents=respondents,
        min_respondents=5,
        channel_size=10,
    )


def _trend(*results: RoundResult) -> Trend:
    return Trend(
        team_id="t",
        points=[
            TrendPoint(opened_at=T0 + timedelta(weeks=i), result=r) for i, r in enumerate(results)
        ],
        hacks_done=[],
    )


def test_withheld_rounds_are_gaps() -> None:
    trend = _trend(_summary(8, 70), _withheld(3), _summary(9, 60, -10))
    assert trend.series(PillarKey.LEARN) == [70, None, 60]
    assert trend.series(PillarKey.INCLUDE) == [None, None, None]
    # A withheld round shows no count in any form: not even as a participation rate.
    assert [p.participation for p in trend.points] == [80, None, 90]


def test_latest_changes_skip_withheld_rounds() -> None:
    trend = _trend(_summary(8, 70), _summary(9, 55, -15), _withheld(3))
    assert set(trend.latest_changes) == {PillarKey.LEARN}
    assert _trend(_withheld(2)).latest_changes == {}


def test_participation_falling_needs_a_clear_drop() -> None:
    steady = [_summary(8, 70) for _ in range(3)]
    assert _trend(*steady, _summary(5, 70)).participation_falling is True
    assert _trend(*steady, _summary(7, 70)).participation_falling is False
    assert _trend(*steady[:2], _withheld(2)).participation_falling is False  # too short
    # A withheld round is not a participation figure: the hint does not speak for it.
    assert _trend(*steady, _withheld(2)).participation_falling is False
    assert _trend(*steady, _withheld(2), _summary(5, 70)).participation_falling is True


def test_unknown_channel_size_has_no_participation() -> None:
    point = TrendPoint(
        opened_at=T0,
        result=WithheldSummary(
            round_id="w",
            kind=RoundKind.PULSE,
            closed_at=T0,
            respondents=1,
            min_respondents=5,
            channel_size=None,
        ),
    )
    assert point.participation is None
