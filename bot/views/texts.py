"""Message lookup bound to one content pack and language, and dates as people read them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from content.schema import ContentPack, Language, Localized


class Texts:
    """The content pack's words in one language."""

    def __init__(self, content: ContentPack, language: Language) -> None:
        self.content = content
        self.language = language

    def __call__(self, key: str, /, **values: object) -> str:
        """The message `key`, filled in."""
        return self.content.text(key, self.language, **values)

    def of(self, text: Localized) -> str:
        """A localized text from the pack (a pillar name, a hack title…)."""
        return text.in_(self.language)

    def pillar(self, key: str) -> str:
        """A pillar's name."""
        return next(p.name.in_(self.language) for p in self.content.pillars if p.key == key)

    def short_date(self, moment: datetime, zone: ZoneInfo) -> str:
        """E.g. "5. jan." / "5 Jan" in `zone`."""
        local = moment.astimezone(zone)
        return self("date-short", day=local.day, month=self(f"month-{local.month}"))

    def moment(self, moment: datetime, zone: ZoneInfo) -> str:
        """E.g. "torsdag 5. jan. kl. 09:00" / "Thursday 5 Jan at 09:00" in `zone`."""
        local = moment.astimezone(zone)
        return self(
            "date-time",
            weekday=self(f"weekday-{local.weekday()}"),
            date=self.short_date(local, zone),
            time=local.strftime("%H:%M"),
        )
