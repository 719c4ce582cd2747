"""A chat gateway that records what the bot would post, for the demo's console story."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from content.schema import Hack
from surveys.announcements import PrivateNote, PulseStatus, RoundOutcome
from surveys.team import Team


@dataclass
class RecordingChat:
    """Remembers every post; the channel's members are fixed."""

    members: Sequence[str]
    pulses: list[PulseStatus] = field(default_factory=list)
    updates: int = 0
    outcomes: list[RoundOutcome] = field(default_factory=list)
    private_notes: list[PrivateNote] = field(default_factory=list)
    hacks: list[str] = field(default_factory=list)

    async def channel_members(self, team: Team) -> Sequence[str]:
        """The simulated channel."""
        return self.members

    async def post_pulse(self, status: PulseStatus) -> str:
        """Record the pulse message."""
        self.pulses.append(status)
        return f"pulse-{len(self.pulses)}"

    async def update_pulse(self, status: PulseStatus, message_ref: str) -> None:
        """Count the participation updates."""
        self.updates += 1

    async def post_outcome(self, outcome: RoundOutcome) -> None:
        """Record the summary."""
        self.outcomes.append(outcome)

    async def send_private(self, team: Team, user_id: str, notice: PrivateNote) -> None:
        """Record the note, not who got it: the demo keeps the promise too."""
        self.private_notes.append(notice)

    async def post_hack(self, team: Team, hack: Hack) -> str:
        """Record the discussion's hack."""
        self.hacks.append(hack.id)
        return f"thread-{len(self.hacks)}"
