"""Claims on scheduled acts, so that each (team, act, slot) happens at most once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Act(StrEnum):
    """A scheduled act."""

    OPEN = "open"
    REMIND = "remind"
    CLOSE = "close"
    PURGE = "purge"  # the daily retention purge of one team; its slot is the day (00:00 UTC)


class ClaimStatus(StrEnum):
    """How far a claimed act got; a claim stuck before `sent` is a visible miss, never a retry
    (but a close: its claimer died, and it is taken over; or it failed, and it is retried)."""

    CLAIMED = "claimed"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"  # found too late (beyond the grace period), or pointless (team paused)
    FAILED = "failed"  # failed; never retried so never sent twice (a close: after a back-off)


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim asked for: (team, act, slot), dated `at`, to be left in `status` if won."""

    team_id: str
    act: Act
    slot: datetime
    at: datetime
    status: ClaimStatus = ClaimStatus.CLAIMED
