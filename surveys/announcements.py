"""What the domain asks the chat platform to show; adapters turn these into messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from surveys.anonymity import RoundResult
from surveys.hack_choice import HackSuggestion
from surveys.rounds import Round
from surveys.team import Team
from surveys.trend import Trend


@dataclass(frozen=True, slots=True)
class PulseStatus:
    """The shared pulse message: the round and how many have answered, nothing more."""

    team: Team
    round: Round
    respondents: int

    @property
    def min_respondents(self) -> int:
        """How many answers unlock the results."""
        return self.team.settings.min_respondents


@dataclass(frozen=True, slots=True)
class RoundOutcome:
    """A closed round's (gated) result and the hack of the week chosen for it."""

    team: Team
    round: Round
    result: RoundResult
    suggestion: HackSuggestion
    trend: Trend


@dataclass(frozen=True, slots=True)
class Notice:
    """A private note to one person: a content-pack message key and its values."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)
