"""Rounds: which statements a pulse asks, and which answers fit a round."""

from __future__ import annotations

from collections import Counter

import pytest

from content.schema import ContentPack, PillarKey
from surveys.errors import InvalidAnswers
from surveys.rounds import RoundKind, statements_for_round, validate_answers
from tests.builders import a_round, a_team


def test_a_pulse_asks_one_statement_per_pillar(content: ContentPack) -> None:
    chosen = statements_for_round(content, kind=RoundKind.PULSE, pulses_so_far=0)
    assert [content.statement(s).pillar for s in chosen] == list(PillarKey)


def test_pulses_rotate_through_the_whole_bank(content: ContentPack) -> None:
    longest = max(len(content.statements_for(p)) for p in PillarKey)
    asked = Counter(
        s
        for n in range(longest * 3)
        for s in statements_for_round(content, kind=RoundKind.PULSE, pulses_so_far=n)
    )
    assert set(asked) == {s.id for s in content.statements}
    # Each comes back regularly: no statement is asked much more often than another.
    assert max(asked.values()) - min(asked.values()) <= 3


def test_consecutive_pulses_differ(content: ContentPack) -> None:
    first = statements_for_round(content, kind=RoundKind.PULSE, pulses_so_far=0)
    second = statements_for_round(content, kind=RoundKind.PULSE, pulses_so_far=1)
    assert set(first).isdisjoint(second)


def test_the_barometer_asks_everything(content: ContentPack) -> None:
    chosen = statements_for_round(content, kind=RoundKind.BAROMETER, pulses_so_far=5)
    assert chosen == tuple(s.id for s in content.statements)


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
