"""Dates and times as people in a team's language and time zone read them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from content.schema import ContentPack, Language


def short_date(
    content: ContentPack, moment: datetime, *, zone: ZoneInfo, language: Language
) -> str:
    """A short day-and-month in the team's zone, e.g. "5. jan." or "5 Jan"."""
    local = moment.astimezone(zone)
    month = content.text(f"month-{local.month}", language)
    return content.text("date-short", language, day=local.day, month=month)


def weekday_name(content: ContentPack, weekday: int, *, language: Language) -> str:
    """The name of a weekday (0 = Monday)."""
    return content.text(f"weekday-{weekday}", language)
