"""Trap signals over a gated trend: avoidance when participation slides, a falling pillar."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from content.schema import PillarKey, TrapKey
from surveys.anonymity import RoundSummary, WithheldReason, WithheldSummary
from surveys.scoring import Change
from surveys.traps import (
    AVOIDANCE_DROP_POINTS,
    TrapNote,
    avoidance,
    falling_pillars,
    trap_note,
)
from tests.bot.views.samples import WEEK0, a_summary, a_trend, a_withheld, even


def _rate(respondents: int) -> RoundSummary:
    """A reportable round where `respondents` of 20 answered."""
    return a_summary(even(60), respondents=respondents, size=20)


def _falling(*deltas: float | None, pillar: PillarKey = PillarKey.LEARN) -> list[RoundSummary]:
    """Reportable rounds whose `pillar` changed by each delta (None: no comparison)."""
    return [
        a_summary(
            even(60),
            changes={}
            if delta is None
            else {pillar: Change(delta=delta, notable=False, since=WEEK0)},
        )
        for delta in deltas
    ]


def test_participation_sliding_over_three_rounds_is_avoidance() -> None:
    assert avoidance(a_trend([_rate(19), _rate(18), _rate(15), _rate(12)]))  # 95 → … 60 %
    assert avoidance(a_trend([_rate(20), _rate(20), _rate(19), _rate(18), _rate(15), _rate(12)]))


def test_one_low_round_or_a_small_slide_is_not() -> None:
    assert not avoidance(a_trend([_rate(19), _rate(18), _rate(18), _rate(12)]))  # a pause
    assert not avoidance(a_trend([_rate(19), _rate(18), _rate(12), _rate(14)]))  # back up
    assert avoidance(a_trend([_rate(19), _rate(18), _rate(17), _rate(16)]))  # 15 points
    small = [a_summary(even(60), respondents=n, size=40) for n in (39, 38, 37, 36)]
    assert not avoidance(a_trend(small))  # 7.5 points in all
    assert not avoidance(a_trend([_rate(18), _rate(15), _rate(12)]))  # too short to say
    assert not avoidance(a_trend([]))


def test_falling_below_k_counts_as_the_last_step_down() -> None:
    # The team saw "fewer than k answered": that is the slide's end, without any count.
    assert avoidance(a_trend([_rate(19), _rate(18), _rate(16), a_withheld(respondents=3)]))
    assert not avoidance(a_trend([_rate(19), _rate(18), a_withheld(), a_withheld()]))
    assert not avoidance(a_trend([a_withheld(), _rate(18), _rate(16), _rate(10)]))
    # One holiday week after a small dip is not a slide.
    assert not avoidance(a_trend([_rate(17), _rate(20), _rate(16), a_withheld()]))


def test_what_the_gate_hides_never_makes_a_signal() -> None:
    overlap = a_withheld(respondents=9, reason=WithheldReason.OVERLAP)
    assert not avoidance(a_trend([_rate(19), _rate(18), _rate(15), overlap]))
    unknown_size = a_summary(even(60), respondents=5, size=None)
    assert not avoidance(a_trend([_rate(19), _rate(18), _rate(15), unknown_size]))


@given(st.lists(st.integers(min_value=5, max_value=20), min_size=4, max_size=8))
def test_avoidance_follows_its_definition(respondents: list[int]) -> None:
    rates = [n / 20 * 100 for n in respondents[-4:]]
    expected = (
        rates[0] > rates[1] > rates[2] > rates[3] and rates[0] - rates[3] >= AVOIDANCE_DROP_POINTS
    )
    assert avoidance(a_trend([_rate(n) for n in respondents])) == expected


@given(st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=8))
def test_a_withheld_round_gives_the_signal_no_number(respondents: list[int]) -> None:
    """A round withheld for too few reads the same whatever its hidden count."""
    results: list[RoundSummary | WithheldSummary] = [_rate(20), _rate(18), _rate(15)]
    with_counts = a_trend([*results, a_withheld(respondents=respondents[0])])
    assert avoidance(with_counts) == avoidance(a_trend([*results, a_withheld(respondents=0)]))


def test_a_pillar_falling_at_its_last_two_comparisons() -> None:
    assert falling_pillars(a_trend(_falling(None, -6, -5))) == (PillarKey.LEARN,)
    assert falling_pillars(a_trend(_falling(+3, -12, -1))) == (PillarKey.LEARN,)


def test_a_pillar_falling_once_or_by_little_is_not() -> None:
    assert falling_pillars(a_trend(_falling(None, +4, -20))) == ()
    assert falling_pillars(a_trend(_falling(None, -4, -5))) == ()  # 9 points in all
    assert falling_pillars(a_trend(_falling(-20))) == ()
    # The falls must reach the newest reportable round, not end before it.
    assert falling_pillars(a_trend([*_falling(-8, -8), a_summary(even(60))])) == ()
    assert falling_pillars(a_trend([])) == ()


def test_a_withheld_round_between_comparisons_is_skipped() -> None:
    first, second = _falling(-8, -8)
    assert falling_pillars(a_trend([first, a_withheld(), second])) == (PillarKey.LEARN,)
    assert falling_pillars(a_trend([first, second, a_withheld()])) == (PillarKey.LEARN,)


def test_the_note_names_the_traps_likeliest_first() -> None:
    assert trap_note(a_trend([_rate(20), _rate(20)])) is None
    slide = trap_note(a_trend([_rate(19), _rate(18), _rate(15), _rate(12)]))
    assert slide == TrapNote(avoidance=True, falling=())
    assert slide.traps == (TrapKey.AVOIDANCE, TrapKey.STRESS)
    falls = trap_note(a_trend(_falling(None, -6, -6, pillar=PillarKey.CHALLENGE)))
    assert falls == TrapNote(avoidance=False, falling=(PillarKey.CHALLENGE,))
    assert falls.traps == (TrapKey.RESISTANCE, TrapKey.STRESS)
    both = TrapNote(avoidance=True, falling=(PillarKey.LEARN,))
    assert both.traps == (TrapKey.AVOIDANCE, TrapKey.RESISTANCE, TrapKey.STRESS)
