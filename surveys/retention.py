"""Retention: how long results are kept, and what counts as older than that."""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, datetime

from surveys.hack_log import HackLogEntry
from surveys.rounds import Round
from surveys.team import Team

DEFAULT_RETENTION_MONTHS = 24
MAX_RETENTION_MONTHS = 1200


def cutoff(now: datetime, *, months: int) -> datetime:
    """The moment `months` calendar months before `now`: what is older is purged.

    The day of the month is kept where the month has it (31 March less one month is 28 or
    29 February), so the cutoff never moves by more than the calendar does.
    """
    if now.tzinfo is None:
        raise ValueError("the cutoff needs a timezone-aware moment")
    if not 1 <= months <= MAX_RETENTION_MONTHS:
        raise ValueError(f"retention must be 1 to {MAX_RETENTION_MONTHS} months, not {months}")
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    day = min(now.day, monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def purge_slot(now: datetime) -> datetime:
    """The day a purge belongs to (00:00 UTC): each team is purged once per day."""
    return datetime.combine(now.astimezone(UTC).date(), datetime.min.time(), tzinfo=UTC)


def round_expired(round_: Round, before: datetime) -> bool:
    """A round is purged once it closed before the cutoff (open rounds never are)."""
    return round_.closed_at is not None and round_.closed_at < before


def hack_event_expired(entry: HackLogEntry, before: datetime) -> bool:
    """A hack log entry is purged once it is dated before the cutoff."""
    return entry.at < before


def team_expired(team: Team, before: datetime) -> bool:
    """A team switched off (its app removed) before the cutoff is deleted with its settings."""
    return team.deactivated_at is not None and team.deactivated_at < before
