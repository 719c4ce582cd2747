"""What the domain asks the chat platform to show; adapters turn these into messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from content.schema import Hack
from surveys.anonymity import RoundResult
from surveys.hack_choice import HackSuggestion
from surveys.hack_cycle import FollowUp
from surveys.hack_effect import HelpedResult
from surveys.prediction import PerceptionReport
from surveys.rounds import Round
from surveys.team import Team
from surveys.traps import TrapNote
from surveys.trend import Trend


@dataclass(frozen=True, slots=True)
class PulseStatus:
    """The shared pulse message: the round and how many have answered, nothing more."""

    team: Team
    round: Round
    respondents: int

    @property
    def min_respondents(self) -> int:
        """k for this round: the larger of k when it opened and the team's k now."""
        return max(self.team.settings.min_respondents, self.round.min_respondents or 0)

    @property
    def enough(self) -> bool:
        """Whether the results will show, whoever answered: k answers besides as many as the
        team has leaders and facilitators (who answered is not known, nor said)."""
        settings = self.team.settings
        viewers = len(settings.leaders | settings.facilitators)
        return self.respondents >= self.min_respondents + viewers


@dataclass(frozen=True, slots=True)
class RoundOutcome:
    """A closed round's (gated) result and its hack part: the team's current or a new hack
    (`suggestion`), or a done hack's `follow_up`, or the done hack it is `repeating`; and,
    in the round after a hack was done, whether it `helped` (only for a round shown)."""

    team: Team
    round: Round
    result: RoundResult
    suggestion: HackSuggestion | None
    trend: Trend
    follow_up: FollowUp | None = None
    repeating: Hack | None = None
    helped: HelpedResult | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """A private note to one person: a content-pack message key and its values."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)


PrivateNote = Notice | PerceptionReport | TrapNote
"""What the domain sends one person privately: a message, a leader's perception gap, or a
trap signal for those who run the team."""
