"""Rounds: which statements a pulse asks, and which answers fit a round."""

from __future__ import annotations

import itertools
import uuid
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.schema import ContentPack, PillarKey
from surveys.errors import InvalidAnswers
from surveys.rounds import RoundKind, rotation_offset, statements_for_round, validate_answers
from tests.builders import a_round, a_team


def test_a_pulse_asks_one_statement_per_pillar(content: ContentPack) -> None:
    chosen = statements_for_round(content, kind=RoundKind.PULSE, pulses_so_far=0)
    assert [content.statement(s).pillar for s in chosen] == list(PillarKey)


def test_pulses_rotate_through_the_whole_bank(content: ContentPack) -> None:
    longest = max(len(content.active_statements_for(p)) for p in PillarKey)
    asked = Counter(
        s
        for n in range(longest * 3)
        for s in statements_for_round(content, kind=RoundKind.PULSE, pulses_so_far=n)
    )
    assert set(asked) == {s.id for s in content.statements if not s.retired}
    # Each comes back regularly: no statement is asked much more often than another.
    assert max(asked.values()) - min(asked.values()) <= 3


def test_consecutive_pulses_differ(content: ContentPack) -> None:
    first = statements_for_round(content, kind=RoundKind.PULSE, pulses_so_far=0)
    second = statements_for_round(content, kind=RoundKind.PULSE, pulses_so_far=1)
    assert set(first).isdisjoint(second)


def test_the_barometer_asks_everything(content: ContentPack) -> None:
    chosen = statements_for_round(content, kind=RoundKind.BAROMETER, pulses_so_far=5)
    assert chosen == tuple(s.id for s in content.statements if not s.retired)


def test_valid_answers_come_back_sorted() -> None:
    round_ = a_round(a_team())
    answers = {"learn-1": 2, "include-1": 5, "challenge-1": 1, "contribute-1": 3}
    assert validate_answers(round_, answers) == sorted(answers.items())


@pytest.mark.parametrize(
    "answers",
    [
        {"include-1": 5, "learn-1": 2, "contribute-1": 3},  # one missing
        {"include-1": 5, "learn-1": 2, "contribute-1": 3, "challenge-1": 1, "learn-2": 3},
        {"include-1": 5, "learn-1": 2, "contribute-1": 3, "challenge-2": 1},  # foreign
        {"include-1": 6, "learn-1": 2, "contribute-1": 3, "challenge-1": 1},
        {"include-1": 0, "learn-1": 2, "contribute-1": 3, "challenge-1": 1},
        {"include-1": True, "learn-1": 2, "contribute-1": 3, "challenge-1": 1},
        {"include-1": 2.0, "learn-1": 2, "contribute-1": 3, "challenge-1": 1},
        {"include-1": "4", "learn-1": 2, "contribute-1": 3, "challenge-1": 1},
        {},
    ],
)
def test_answers_that_do_not_fit_are_refused(answers: dict[str, object]) -> None:
    with pytest.raises(InvalidAnswers):
        validate_answers(a_round(a_team()), answers)  # type: ignore[arg-type]


def test_offset_zero_is_the_walk_from_the_start(content: ContentPack) -> None:
    for n in range(8):
        assert statements_for_round(
            content, kind=RoundKind.PULSE, pulses_so_far=n, offset=0
        ) == statements_for_round(content, kind=RoundKind.PULSE, pulses_so_far=n)


def test_every_offset_is_one_combination_of_starting_places(content: ContentPack) -> None:
    combinations = 1
    for pillar in PillarKey:
        combinations *= len(content.active_statements_for(pillar))
    firsts = {
        statements_for_round(content, kind=RoundKind.PULSE, pulses_so_far=0, offset=offset)
        for offset in range(combinations)
    }
    assert len(firsts) == combinations
    # Past the last combination the offsets come round again.
    assert statements_for_round(
        content, kind=RoundKind.PULSE, pulses_so_far=0, offset=combinations + 5
    ) == statements_for_round(content, kind=RoundKind.PULSE, pulses_so_far=0, offset=5)


@given(offset=st.integers(min_value=0, max_value=2**64 - 1))
def test_an_offset_still_walks_each_bank_in_order(content: ContentPack, offset: int) -> None:
    longest = max(len(content.active_statements_for(p)) for p in PillarKey)
    walk = [
        statements_for_round(content, kind=RoundKind.PULSE, pulses_so_far=n, offset=offset)
        for n in range(longest * 2)
    ]
    for position, pillar in enumerate(PillarKey):
        bank = [s.id for s in content.active_statements_for(pillar)]
        asked = [chosen[position] for chosen in walk]
        start = bank.index(asked[0])
        assert asked == [bank[(start + n) % len(bank)] for n in range(len(asked))]
    # Consecutive pulses still ask different statements.
    assert all(set(a).isdisjoint(b) for a, b in itertools.pairwise(walk))


def test_the_barometer_ignores_the_offset(content: ContentPack) -> None:
    assert statements_for_round(
        content, kind=RoundKind.BAROMETER, pulses_so_far=0, offset=12345
    ) == tuple(s.id for s in content.statements if not s.retired)


def test_a_teams_offset_is_its_own_and_stable() -> None:
    team_id = uuid.uuid4().hex
    assert rotation_offset(team_id) == rotation_offset(team_id)
    # A fixed value: the offset may never change between releases, or teams would repeat.
    assert rotation_offset("0" * 32) == 0x5CB8A1D3DD710F56


def test_teams_start_at_different_places(content: ContentPack) -> None:
    starts = Counter(
        statements_for_round(
            content,
            kind=RoundKind.PULSE,
            pulses_so_far=0,
            offset=rotation_offset(uuid.UUID(int=n).hex),
        )
        for n in range(2000)
    )
    # 256 combinations of starting places: 2,000 teams land on nearly all of them, and no
    # combination holds many more teams than another would by chance.
    assert len(starts) > 240
    assert max(starts.values()) < 30
    first = Counter(chosen[0] for chosen in starts.elements())
    assert len(first) == len(content.active_statements_for(PillarKey.INCLUDE))


def test_retired_statements_are_never_asked_but_still_known(content: ContentPack) -> None:
    retired = {s.id for s in content.statements if s.retired}
    assert retired == {"include-2", "learn-4", "contribute-4", "challenge-4"}
    asked = {
        statement
        for offset in (0, 7, 123456789)
        for n in range(12)
        for statement in statements_for_round(
            content, kind=RoundKind.PULSE, pulses_so_far=n, offset=offset
        )
    }
    asked |= set(statements_for_round(content, kind=RoundKind.BAROMETER, pulses_so_far=0))
    assert asked.isdisjoint(retired)
    # Rounds that asked them are still scored with their pillar and keying.
    for statement_id in retired:
        assert content.statement(statement_id).pillar in PillarKey


def test_a_new_statement_takes_the_place_of_the_one_it_replaces(content: ContentPack) -> None:
    # A team's walk goes on where it was: the second pulse asks include-5 where it asked
    # include-2, and so on.
    second = statements_for_round(content, kind=RoundKind.PULSE, pulses_so_far=1)
    assert second[0] == "include-5"
    fourth = statements_for_round(content, kind=RoundKind.PULSE, pulses_so_far=3)
    assert fourth[1:] == ("learn-5", "contribute-5", "challenge-5")
