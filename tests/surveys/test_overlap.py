"""The overlap rule: rounds whose rosters subtract to a few people are withheld."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from surveys.overlap import (
    ROSTER_MARGIN,
    SAME_PERIOD,
    Roster,
    must_withhold,
    overlap_window,
    overlapping,
    roster_purge_before,
    same_period,
)
from surveys.team import MIN_RESPONDENTS_FLOOR
from tests.builders import T0

_counter = iter(range(10**9))


def roster(
    members: Iterable[object],
    *,
    k: int = 5,
    team: str | None = None,
    days: float = 0,
) -> Roster:
    """A roster of people named by number or name; each roster its own team unless told."""
    n = next(_counter)
    return Roster(
        round_id=f"r{n}",
        team_id=team or f"t{n}",
        opened_at=T0 + timedelta(days=days),
        members=frozenset(str(m) for m in members),
        min_respondents=k,
    )


def test_channels_one_person_apart_are_both_withheld() -> None:
    six, five = roster(range(6)), roster(range(5))
    assert must_withhold(six, [five])
    assert must_withhold(five, [six])


def test_up_to_k_minus_one_apart_is_withheld_and_k_apart_is_not() -> None:
    mine = roster(range(20), k=5)
    assert must_withhold(mine, [roster(range(16), k=5)])  # 4 apart
    assert not must_withhold(mine, [roster(range(15), k=5)])  # 5 apart
    # Swapping people counts both ways: 2 out and 2 in are 4 apart.
    assert must_withhold(mine, [roster(range(2, 22), k=5)])
    assert not must_withhold(mine, [roster(range(3, 23), k=5)])


def test_the_larger_k_of_the_two_rounds_counts() -> None:
    mine = roster(range(20), k=3)
    assert must_withhold(mine, [roster(range(14), k=7)])
    assert not must_withhold(mine, [roster(range(14), k=6)])


def test_the_k_floor_applies_even_to_a_lower_stored_k() -> None:
    assert MIN_RESPONDENTS_FLOOR == 3
    assert must_withhold(roster(range(10), k=1), [roster(range(8), k=1)])


def test_the_same_people_are_not_an_overlap() -> None:
    assert not must_withhold(roster(range(6)), [roster(range(6))])


def test_channels_far_apart_are_not_an_overlap() -> None:
    assert not must_withhold(roster(range(6)), [roster(range(100, 106))])


def test_a_teams_own_rounds_are_not_compared() -> None:
    first = roster(range(6), team="alpha")
    assert not must_withhold(roster(range(7), team="alpha", days=7), [first])


def test_only_rounds_of_the_same_period_are_compared() -> None:
    mine = roster(range(6))
    assert must_withhold(mine, [roster(range(5), days=SAME_PERIOD.days)])
    assert must_withhold(mine, [roster(range(5), days=-SAME_PERIOD.days)])
    assert not must_withhold(mine, [roster(range(5), days=SAME_PERIOD.days + 0.01)])
    assert same_period(T0, T0 + SAME_PERIOD)
    assert not same_period(T0 - SAME_PERIOD - timedelta(seconds=1), T0)
    assert overlap_window(T0) == (T0 - SAME_PERIOD, T0 + SAME_PERIOD)


def test_a_period_spans_every_cadence() -> None:
    # Two monthly teams asked two weeks apart, biweekly teams on alternate weeks.
    assert timedelta(days=31) <= SAME_PERIOD


def test_a_department_made_of_two_teams_and_its_manager_is_withheld_with_both() -> None:
    team_a, team_b = roster(range(10)), roster(range(10, 20))
    department = roster([*range(20), "manager"])
    # No two of them are fewer than k apart ...
    assert not any(
        must_withhold(one, [other])
        for one in (team_a, team_b, department)
        for other in (team_a, team_b, department)
    )
    # ... but department - a - b is the manager: each of the three withholds itself.
    assert must_withhold(department, [team_a, team_b])
    assert must_withhold(team_a, [department, team_b])
    assert must_withhold(team_b, [department, team_a])


def test_a_cover_that_leaves_k_people_out_is_not_an_overlap() -> None:
    team_a, team_b = roster(range(10)), roster(range(10, 20))
    department = roster(range(25))
    assert not must_withhold(department, [team_a, team_b])
    assert not must_withhold(team_a, [department, team_b])


def test_a_channel_inside_another_but_not_part_of_a_small_remainder_is_shown() -> None:
    # A small channel of 4 inside a department of 30, with nothing else: 26 apart.
    small, department = roster(range(4)), roster(range(30))
    assert not must_withhold(small, [department])
    assert not must_withhold(department, [small])


def test_overlapping_looks_up_the_rounds_own_roster() -> None:
    six, five = roster(range(6)), roster(range(5))
    rosters = {r.round_id: r for r in (six, five)}
    assert overlapping(six.round_id, rosters)
    assert not overlapping(six.round_id, {six.round_id: six})
    # A round opened before rosters were kept is not compared.
    assert not overlapping("older", rosters)


def test_rosters_are_kept_a_period_and_a_margin() -> None:
    assert roster_purge_before(T0) == T0 - SAME_PERIOD - ROSTER_MARGIN


people = st.frozensets(st.integers(min_value=0, max_value=40), max_size=30)
thresholds = st.integers(min_value=1, max_value=12)


@given(first=people, second=people, k1=thresholds, k2=thresholds)
def test_two_rounds_are_withheld_exactly_when_they_differ_by_one_to_k_minus_one(
    first: frozenset[int], second: frozenset[int], k1: int, k2: int
) -> None:
    one, other = roster(first, k=k1), roster(second, k=k2)
    k = max(k1, k2, MIN_RESPONDENTS_FLOOR)
    expected = 1 <= len(first ^ second) <= k - 1
    assert must_withhold(one, [other]) is expected
    assert must_withhold(other, [one]) is expected


@given(
    parts=st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=4),
    left_out=st.integers(min_value=1, max_value=20),
    k=st.integers(min_value=3, max_value=8),
    noise=st.lists(people, max_size=4),
)
def test_every_round_of_a_cover_leaving_fewer_than_k_out_is_withheld(
    parts: list[int], left_out: int, k: int, noise: list[frozenset[int]]
) -> None:
    """The attack: whole - part 1 - part 2 - ... = the people left out. Each part is a team
    of its own (disjoint from the others); other rounds around change nothing."""
    start, part_rosters = 1000, []
    for size in parts:
        part_rosters.append(roster(range(start, start + size), k=k))
        start += size
    whole = roster(range(1000, start + left_out), k=k)
    others = [roster(members, k=k) for members in noise]
    everyone = [whole, *part_rosters, *others]
    verdicts = [must_withhold(r, everyone) for r in (whole, *part_rosters)]
    if left_out < k:
        assert all(verdicts)
    elif all(len(whole.members - p.members) >= k for p in part_rosters) and not others:
        # The whole is far enough from each part and from their union (the parts may still
        # be withheld for being close to each other).
        assert not verdicts[0]


@given(first=people, second=people, shared=people, k=thresholds)
def test_people_in_both_channels_change_nothing(
    first: frozenset[int], second: frozenset[int], shared: frozenset[int], k: int
) -> None:
    extra = frozenset(100 + n for n in shared)
    assert must_withhold(roster(first, k=k), [roster(second, k=k)]) is must_withhold(
        roster(first | extra, k=k), [roster(second | extra, k=k)]
    )
