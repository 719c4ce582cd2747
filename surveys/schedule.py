"""When a team's acts are due: open slots, the reminder's moment, the quarterly barometer.

Pure and time-zone aware: slots are computed in the team's own zone with `zoneinfo`, so a
09:00 pulse stays at 09:00 local time across daylight saving changes. The slot a scheduled act
claims always comes from here, never from the moment a job happens to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from surveys.rounds import RoundKind
from surveys.team import Cadence, TeamSettings

# Monday of ISO week 2 of 1970: the origin of the week count that decides biweekly parity.
_WEEK_ORIGIN = date(1970, 1, 5)
_SEARCH_WEEKS = 10  # a monthly slot is never further away than this


@dataclass(frozen=True, slots=True)
class QuietHours:
    """When nobody is reminded: outside [start, end) on workdays, and all weekend."""

    start: time = time(9, 0)
    end: time = time(16, 0)
    weekends: bool = True
    enabled: bool = True

    def allows(self, local: datetime) -> bool:
        """Whether a reminder may arrive at `local` (a time in the team's zone)."""
        if not self.enabled:
            return True
        if self.weekends and local.weekday() >= 5:
            return False
        return self.start <= local.time() < self.end


def open_slot_at_or_before(
    settings: TeamSettings, *, since: datetime, at: datetime
) -> datetime | None:
    """The latest open slot in (since, at] (`since` is when the team was set up), in UTC."""
    zone = settings.zone
    day = at.astimezone(zone).date()
    for _ in range(_SEARCH_WEEKS * 7):
        slot = _slot_on(settings, day, since=since)
        if slot is not None and since < slot <= at:
            return slot
        if slot is not None and slot <= since:
            return None
        day -= timedelta(days=1)
    return None


def next_open_slot(settings: TeamSettings, *, since: datetime, after: datetime) -> datetime:
    """The first open slot strictly after `after` (and after `since`), in UTC."""
    zone = settings.zone
    day = max(after, since).astimezone(zone).date()
    while True:
        slot = _slot_on(settings, day, since=since)
        if slot is not None and slot > after and slot > since:
            return slot
        day += timedelta(days=1)


def kind_of_slot(
    settings: TeamSettings, slot: datetime, *, since: datetime, barometer_months: int
) -> RoundKind:
    """A full barometer at the first slot of each period of `barometer_months` (0: never)."""
    if barometer_months <= 0:
        return RoundKind.PULSE
    previous = open_slot_at_or_before(settings, since=since, at=slot - timedelta(seconds=1))
    if previous is None:
        return RoundKind.BAROMETER  # the team's very first round takes the temperature
    zone = settings.zone
    if _period(previous.astimezone(zone), barometer_months) != _period(
        slot.astimezone(zone), barometer_months
    ):
        return RoundKind.BAROMETER
    return RoundKind.PULSE


def reminder_slot(
    opened_at: datetime, closes_at: datetime, *, zone: ZoneInfo, quiet: QuietHours
) -> datetime | None:
    """Mid-round, moved out of quiet hours; None when no fitting moment is left.

    Forward first (a reminder a little later still helps); backward if moving forward would
    leave less than an hour to answer; none at all rather than at night or at the weekend.
    """
    margin = timedelta(hours=1)
    middle = opened_at + (closes_at - opened_at) / 2
    if quiet.allows(middle.astimezone(zone)):
        return middle
    later = _scan(middle, zone, quiet, step=timedelta(minutes=15), until=closes_at - margin)
    if later is not None:
        return later
    return _scan(middle, zone, quiet, step=-timedelta(minutes=15), until=opened_at + margin)


def _scan(
    start: datetime, zone: ZoneInfo, quiet: QuietHours, *, step: timedelta, until: datetime
) -> datetime | None:
    moment = start.astimezone(UTC)
    while (moment <= until) if step > timedelta(0) else (moment >= until):
        if quiet.allows(moment.astimezone(zone)):
            return moment
        moment += step
    return None


def _slot_on(settings: TeamSettings, day: date, *, since: datetime) -> datetime | None:
    """The open slot on a local `day`, if the cadence has one that day."""
    if day.weekday() != settings.weekday:
        return None
    if settings.cadence is Cadence.MONTHLY and day.day > 7:
        return None  # the first such weekday of the month
    if settings.cadence is Cadence.BIWEEKLY and _week(day) % 2 != _first_week(settings, since) % 2:
        return None
    local = datetime.combine(day, settings.local_time, tzinfo=settings.zone)
    # Round trip through UTC: a time in a spring-forward gap moves to the real clock time.
    return local.astimezone(UTC)


def _week(day: date) -> int:
    return (day - _WEEK_ORIGIN).days // 7


def _first_week(settings: TeamSettings, since: datetime) -> int:
    """The week of the first weekly slot after the team was set up: biweekly counts from it."""
    day = since.astimezone(settings.zone).date()
    while True:
        if day.weekday() == settings.weekday:
            local = datetime.combine(day, settings.local_time, tzinfo=settings.zone)
            if local.astimezone(UTC) > since:
                return _week(day)
        day += timedelta(days=1)


def _period(local: datetime, months: int) -> int:
    return (local.year * 12 + local.month - 1) // months
