"""A chat platform in memory: the ChatGateway of the demo and of tests, recording every call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from content.schema import Hack
from surveys.announcements import PrivateNote, PulseStatus, RoundOutcome
from surveys.errors import NotInChannel
from surveys.team import Team


class UnknownMessage(LookupError):
    """An update of a message that was never posted (a platform refuses it too)."""


@dataclass
class MemoryChat:
    """One channel's worth of chat: `members` are in it (`bots` among them are never counted),
    channels in `unreachable` have no bot in them, `fail_updates` makes update_pulse raise."""

    members: list[str] = field(default_factory=list)
    bots: set[str] = field(default_factory=set)
    unreachable: set[str] = field(default_factory=set)
    fail_updates: bool = False
    pulses: list[PulseStatus] = field(default_factory=list)
    updates: list[tuple[str, int]] = field(default_factory=list)  # (message, count shown)
    # What each pulse message shows now: its count while open, its outcome once closed.
    shown: dict[str, PulseStatus | RoundOutcome] = field(default_factory=dict)
    outcomes: list[RoundOutcome] = field(default_factory=list)
    notes: list[tuple[str, PrivateNote]] = field(default_factory=list)  # (to whom, what)
    hacks: list[str] = field(default_factory=list)

    async def channel_members(self, team: Team) -> Sequence[str]:
        """The channel's people, bots left out."""
        self._reach(team)
        return [member for member in self.members if member not in self.bots]

    async def post_pulse(self, status: PulseStatus) -> str:
        """Record the pulse message; its number is the reference."""
        self._reach(status.team)
        self.pulses.append(status)
        ref = f"msg-{len(self.pulses)}"
        self.shown[ref] = status
        return ref

    async def update_pulse(self, status: PulseStatus, message_ref: str) -> None:
        """Record the count shown."""
        self._reach(status.team)
        if self.fail_updates:
            raise ConnectionError("chat platform unreachable")
        if message_ref not in self.shown:
            raise UnknownMessage(message_ref)
        self.updates.append((message_ref, status.respondents))
        self.shown[message_ref] = status

    async def post_outcome(self, outcome: RoundOutcome) -> None:
        """Record the summary, and the pulse message as closed."""
        self._reach(outcome.team)
        self.outcomes.append(outcome)
        if outcome.round.message_ref is not None:
            self.shown[outcome.round.message_ref] = outcome

    async def send_private(self, team: Team, user_id: str, notice: PrivateNote) -> None:
        """Record the note and whom it was for."""
        self.notes.append((user_id, notice))

    async def post_hack(self, team: Team, hack: Hack) -> str:
        """Record the hack; its number is the thread."""
        self._reach(team)
        self.hacks.append(hack.id)
        return f"thread-{len(self.hacks)}"

    def _reach(self, team: Team) -> None:
        if team.channel.channel_id in self.unreachable:
            raise NotInChannel()
