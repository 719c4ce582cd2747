"""A round: one pulse or full barometer for a team, open until it is closed."""

from __future__ import annotations

import hashlib
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
    # k when the round opened (None for rounds from before it was kept).
    min_respondents: int | None = None
    # Respondents who are not the team's leaders or facilitators: only they make up k.
    eligible_respondents: int | None = None
    # When the round's answers were lost with the open-round store and it asked again.
    restarted_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """Whether the round still takes answers."""
        return self.closed_at is None


def statements_for_round(
    content: ContentPack, *, kind: RoundKind, pulses_so_far: int, offset: int = 0
) -> tuple[str, ...]:
    """The statements a new round asks.

    A pulse asks one statement per pillar and walks each pillar's bank in order, so every
    statement comes back after as many pulses as its pillar has statements; the barometer
    asks them all. Retired statements are not in a bank: never asked again, they only score
    the rounds that asked them. `offset` (a team's own, see rotation_offset) moves where each
    pillar's walk starts: read as a number whose digits are the pillars' starting places (the
    first pillar's bank size is the first digit's base, and so on), every combination of
    starting places is one offset, and offset 0 starts every pillar at its first statement.
    """
    if kind is RoundKind.BAROMETER:
        return tuple(s.id for s in content.statements if not s.retired)
    chosen = []
    rest = offset
    for pillar in PillarKey:
        bank = content.active_statements_for(pillar)
        rest, start = divmod(rest, len(bank))
        chosen.append(bank[(start + pulses_so_far) % len(bank)].id)
    return tuple(chosen)


def rotation_offset(team_id: str) -> int:
    """Where the team's statement rotation starts (statements_for_round's `offset`).

    Stable (the same team always gets the same) and spread evenly, so two teams asked in the
    same week are unlikely to be asked the same statements: with the built-in pack's four
    statements per pillar, two teams share a pillar's statement a quarter of the time and all
    four 1 time in 256, where without offsets every team was asked the same. Not secret: the
    overlap rule (surveys/overlap.py) is what keeps overlapping teams from being subtracted;
    this only makes the two summaries less alike to begin with.
    """
    digest = hashlib.sha256(b"rotation\x00" + team_id.encode()).digest()
    return int.from_bytes(digest[:8], "big")


def validate_answers(round_: Round, answers: Mapping[str, int]) -> Sequence[tuple[str, int]]:
    """The answers in a stable order, or InvalidAnswers when they do not fit the round."""
    if set(answers) != set(round_.statement_ids):
        raise InvalidAnswers()
    if any(type(value) is not int or value not in SCALE for value in answers.values()):
        raise InvalidAnswers()
    return sorted(answers.items())
