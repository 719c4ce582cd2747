"""The team's hack log: which hacks were suggested and which the team says it ran."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class HackEvent(StrEnum):
    """What happened to a hack."""

    SUGGESTED = "suggested"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class HackLogEntry:
    """One event in a team's hack log."""

    id: str
    team_id: str
    hack_id: str
    event: HackEvent
    at: datetime
