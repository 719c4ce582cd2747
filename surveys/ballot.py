"""What an answer needs from storage, read at once, and what storing it came to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from surveys.rounds import Round
from surveys.team import Team


@dataclass(frozen=True, slots=True)
class Ballot:
    """A round as an answer finds it: the round (locked against a close until the unit of
    work ends), its team, its salt (None once closed or lost) and how many have answered."""

    round: Round
    team: Team
    salt: bytes | None
    respondents: int


@dataclass(frozen=True, slots=True)
class Participant:
    """One person entering a round's participation: their keyed hash (never the person), and
    whether they see results (a leader's or facilitator's answer does not make up k)."""

    round_id: str
    key: str
    viewer: bool = False


class Entry(Enum):
    """What recording a participant came to."""

    COUNTED = "counted"
    ALREADY_ANSWERED = "already-answered"  # recorded before (also under races)
    NOT_A_MEMBER = "not-a-member"  # not in the channel when the round opened
