"""A chat gateway that records every call, including who got a private note (tests only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from content.schema import Hack
from surveys.announcements import PrivateNote, PulseStatus, RoundOutcome
from surveys.team import Team


@dataclass
class FakeChat:
    """Records posts; `members` is the channel; `fail_updates` makes update_pulse raise."""

    members: list[str] = field(default_factory=list)
    fail_updates: bool = False
    pulses: list[PulseStatus] = field(default_factory=list)
    updates: list[tuple[str, int]] = field(default_factory=list)
    outcomes: list[RoundOutcome] = field(default_factory=list)
    notes: list[tuple[str, PrivateNote]] = field(default_factory=list)
    hacks: list[str] = field(default_factory=list)

    async def channel_members(self, team: Team) -> Sequence[str]:
        return list(self.members)

    async def post_pulse(self, status: PulseStatus) -> str:
        self.pulses.append(status)
        return f"msg-{len(self.pulses)}"

    async def update_pulse(self, status: PulseStatus, message_ref: str) -> None:
        if self.fail_updates:
            raise ConnectionError("chat platform unreachable")
        self.updates.append((message_ref, status.respondents))

    async def post_outcome(self, outcome: RoundOutcome) -> None:
        self.outcomes.append(outcome)

    async def send_private(self, team: Team, user_id: str, notice: PrivateNote) -> None:
        self.notes.append((user_id, notice))

    async def post_hack(self, team: Team, hack: Hack) -> str:
        self.hacks.append(hack.id)
        return f"thread-{len(self.hacks)}"
