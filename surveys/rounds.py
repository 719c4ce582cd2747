"""A round: one pulse or full barometer for a team, open until it is closed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from content.schema import ContentPack, PillarKey
from surveys.errors import InvalidAnswers

SCALE = range(1, 6)


class RoundKind(StrEnum):
    """A short weekly pulse, or the full barometer with every statement."""

    PULSE = "pulse"
    BAROMETER = "barometer"


@dataclass(frozen=True, slots=True)
class Round:
    """One round of questions for one team."""

    id: str
    team_id: str
    kind: RoundKind
    statement_ids: tuple[str, ...]
    opened_at: datetime
    closes_at: datetime
    channel_size: int | None = None
    closed_at: datetime | None = None
    respondents: int | None = None
    message_ref: str | None = None
    reminded: bool = False

    @property
    def is_open(self) -> bool:
        """Whether the round still takes answers."""
        return self.closed_at is None


def statements_for_round(
    content: ContentPack, *, kind: RoundKind, pulses_so_far: int
) -> tuple[str, ...]:
    """The statements a new round asks.

    A pulse asks one statement per pillar and walks each pillar's bank in order, so every
    statement comes back after as many pulses as its pillar has statements; the barometer
    asks them all.
    """
    if kind is RoundKind.BAROMETER:
        return tuple(s.id for s in content.statements)
    chosen = []
    for pillar in PillarKey:
        bank = content.statements_for(pillar)
        chosen.append(bank[pulses_so_far % len(bank)].id)
    return tuple(chosen)


def validate_answers(round_: Round, answers: Mapping[str, int]) -> Sequence[tuple[str, int]]:
    """The answers in a stable order, or InvalidAnswers when they do not fit the round."""
    if set(answers) != set(round_.statement_ids):
        raise InvalidAnswers()
    if any(type(value) is not int or value not in SCALE for value in answers.values()):
        raise InvalidAnswers()
    return sorted(answers.items())
