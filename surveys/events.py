"""What the pulse service tells its listeners (the scheduler's timers, the metrics)."""

from __future__ import annotations

from enum import StrEnum


class Happened(StrEnum):
    """Something the service did; never carries a person or an answer."""

    TEAM_CHANGED = "team changed"  # set up, paused, resumed, deactivated or deleted
    ROUND_OPENED = "round opened"
    ROUND_CLOSED = "round closed"
    ANSWERS_RECORDED = "answers recorded"

    @property
    def changes_schedule(self) -> bool:
        """Whether timers set from the database may now be wrong."""
        return self is not Happened.ANSWERS_RECORDED
