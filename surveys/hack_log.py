"""The team's hack log: which hacks were suggested, started, run and followed up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class HackEvent(StrEnum):
    """What happened to a hack."""

    SUGGESTED = "suggested"  # shown in a summary as the team's new hack
    STARTED = "started"  # a facilitator posted its card (a discussion) in the channel
    DONE = "done"  # the team says it ran it
    FOLLOWED_UP = "followed-up"  # a summary asked whether it became a habit


@dataclass(frozen=True, slots=True)
class HackLogEntry:
    """One event in a team's hack log."""

    id: str
    team_id: str
    hack_id: str
    event: HackEvent
    at: datetime
