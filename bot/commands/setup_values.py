"""Reading team settings from the inline `setup …` words and from the setup form."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import time
from typing import cast

from content.schema import Language
from surveys.errors import InvalidSettings
from surveys.team import Cadence, TeamSettings

CADENCES = {
    "weekly": Cadence.WEEKLY,
    "ugentlig": Cadence.WEEKLY,
    "biweekly": Cadence.BIWEEKLY,
    "fortnightly": Cadence.BIWEEKLY,
    "hver-anden-uge": Cadence.BIWEEKLY,
    "14-dages": Cadence.BIWEEKLY,
    "monthly": Cadence.MONTHLY,
    "månedlig": Cadence.MONTHLY,
    "maanedlig": Cadence.MONTHLY,
}
_DAY_NAMES = (
    ("mon", "monday", "man", "mandag"),
    ("tue", "tuesday", "tir", "tirsdag"),
    ("wed", "wednesday", "ons", "onsdag"),
    ("thu", "thursday", "tor", "torsdag"),
    ("fri", "friday", "fre", "fredag"),
    ("sat", "saturday", "lør", "lørdag", "loer", "loerdag"),
    ("sun", "sunday", "søn", "søndag", "soen", "soendag"),
)
WEEKDAYS = {name: day for day, names in enumerate(_DAY_NAMES) for name in names}
LANGUAGES = {"da": "da", "dansk": "da", "en": "en", "english": "en", "engelsk": "en"}
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_ZONE = re.compile(r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)+$|^UTC$")


def parse_time(text: str) -> time:
    """HH:MM (or HH.MM, the Danish way) as a time of day."""
    match = _TIME.match(text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidSettings(field="local_time")
    return time(int(match[1]), int(match[2]))


def settings_from_words(words: Sequence[str], current: TeamSettings) -> TeamSettings:
    """`weekly mon 09:00 Europe/Copenhagen da` in any order; what is left out stays as it is."""
    settings = current
    for word in words:
        lower = word.lower()
        if lower in CADENCES:
            settings = replace(settings, cadence=CADENCES[lower])
        elif lower in WEEKDAYS:
            settings = replace(settings, weekday=WEEKDAYS[lower])
        elif lower in LANGUAGES:
            settings = replace(settings, language="da" if LANGUAGES[lower] == "da" else "en")
        elif _TIME.match(word):
            settings = replace(settings, local_time=parse_time(word))
        elif _ZONE.match(word):
            settings = replace(settings, timezone=word)
        else:
            raise InvalidSettings(field="word", word=word)
    return settings


def settings_from_form(answers: Mapping[str, Sequence[str]], current: TeamSettings) -> TeamSettings:
    """The setup form's answers as settings (validated by TeamSettings itself)."""

    def one(key: str, default: str) -> str:
        values = answers.get(key) or (default,)
        return values[0]

    try:
        cadence = Cadence(one("cadence", current.cadence.value))
        weekday = int(one("weekday", str(current.weekday)))
        round_hours = int(one("round_hours", str(current.round_hours)))
        k = int(one("min_respondents", str(current.min_respondents)))
    except ValueError:
        raise InvalidSettings(field="form") from None
    language = one("language", current.language)
    return TeamSettings(
        cadence=cadence,
        weekday=weekday,
        local_time=parse_time(one("time", current.local_time.strftime("%H:%M"))),
        timezone=one("timezone", current.timezone).strip(),
        language=cast(Language, language),
        round_hours=round_hours,
        min_respondents=k,
        # An absent answer keeps what was there; an empty one (nobody picked) clears it.
        reminders=("on" in answers["reminders"]) if "reminders" in answers else current.reminders,
        leaders=frozenset(answers["leaders"]) if "leaders" in answers else current.leaders,
        facilitators=(
            frozenset(answers["facilitators"])
            if "facilitators" in answers
            else current.facilitators
        ),
    )
