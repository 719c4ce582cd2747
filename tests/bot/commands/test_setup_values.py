"""Team settings from `setup …` words and from the setup form."""

from __future__ import annotations

from datetime import time

import pytest

from bot.commands.setup_values import parse_time, settings_from_form, settings_from_words
from surveys.errors import InvalidSettings
from surveys.team import Cadence, TeamSettings
from tests.builders import rich_settings

# --- words ---------------------------------------------------------------------------------


def test_words_in_any_order() -> None:
    expected = TeamSettings(
        cadence=Cadence.MONTHLY,
        weekday=4,
        local_time=time(13, 15),
        timezone="Europe/Oslo",
        language="en",
    )
    words = ["monthly", "fri", "13:15", "Europe/Oslo", "en"]
    assert settings_from_words(words, TeamSettings()) == expected
    assert settings_from_words(list(reversed(words)), TeamSettings()) == expected
    assert settings_from_words(
        ["en", "13:15", "monthly", "Europe/Oslo", "fri"], TeamSettings()
    ) == (expected)


def test_what_is_left_out_stays_as_it_is() -> None:
    current = rich_settings()
    assert settings_from_words([], current) == current
    changed = settings_from_words(["tue"], current)
    assert changed.weekday == 1
    assert changed.local_time == current.local_time
    assert changed.timezone == current.timezone
    assert changed.leaders == current.leaders
    assert changed.min_respondents == current.min_respondents
    assert changed.reminders is current.reminders


@pytest.mark.parametrize(
    ("word", "weekday"),
    [
        ("man", 0),
        ("mandag", 0),
        ("tir", 1),
        ("tirsdag", 1),
        ("ons", 2),
        ("onsdag", 2),
        ("tor", 3),
        ("torsdag", 3),
        ("fre", 4),
        ("fredag", 4),
        ("lør", 5),
        ("lørdag", 5),
        ("loer", 5),
        ("søn", 6),
        ("søndag", 6),
        ("soen", 6),
        ("Mon", 0),
        ("monday", 0),
        ("THURSDAY", 3),
        ("sun", 6),
    ],
)
def test_weekdays_in_danish_and_english(word: str, weekday: int) -> None:
    start = TeamSettings(weekday=2 if weekday != 2 else 3)
    assert settings_from_words([word], start).weekday == weekday


@pytest.mark.parametrize(
    ("word", "cadence"),
    [
        ("weekly", Cadence.WEEKLY),
        ("ugentlig", Cadence.WEEKLY),
        ("biweekly", Cadence.BIWEEKLY),
        ("fortnightly", Cadence.BIWEEKLY),
        ("hver-anden-uge", Cadence.BIWEEKLY),
        ("14-dages", Cadence.BIWEEKLY),
        ("Monthly", Cadence.MONTHLY),
        ("månedlig", Cadence.MONTHLY),
        ("maanedlig", Cadence.MONTHLY),
    ],
)
def test_cadences_in_danish_and_english(word: str, cadence: Cadence) -> None:
    start = TeamSettings(cadence=Cadence.MONTHLY if cadence is Cadence.WEEKLY else Cadence.WEEKLY)
    assert settings_from_words([word], start).cadence is cadence


@pytest.mark.parametrize(
    ("word", "language"),
    [("da", "da"), ("dansk", "da"), ("EN", "en"), ("english", "en"), ("engelsk", "en")],
)
def test_languages(word: str, language: str) -> None:
    start = TeamSettings(language="en" if language == "da" else "da")
    assert settings_from_words([word], start).language == language


@pytest.mark.parametrize(
    ("word", "expected"),
    [("09:00", time(9)), ("9:05", time(9, 5)), ("09.30", time(9, 30)), ("23.59", time(23, 59))],
)
def test_times_with_a_colon_or_the_danish_dot(word: str, expected: time) -> None:
    assert settings_from_words([word], TeamSettings()).local_time == expected
    assert parse_time(word) == expected


@pytest.mark.parametrize("word", ["24:00", "12:60", "9.5"])
def test_impossible_times_are_refused(word: str) -> None:
    with pytest.raises(InvalidSettings) as caught:
        parse_time(word)
    assert caught.value.key == "error-setting-local-time"


def test_an_impossible_time_among_words_is_refused_as_a_time() -> None:
    with pytest.raises(InvalidSettings) as caught:
        settings_from_words(["weekly", "25:00"], TeamSettings())
    assert caught.value.field == "local_time"


def test_zones_are_checked() -> None:
    assert settings_from_words(["UTC"], TeamSettings()).timezone == "UTC"
    assert settings_from_words(["America/Argentina/Buenos_Aires"], TeamSettings()).timezone == (
        "America/Argentina/Buenos_Aires"
    )
    with pytest.raises(InvalidSettings) as caught:
        settings_from_words(["Mars/Olympus_Mons"], TeamSettings())
    assert caught.value.key == "error-setting-timezone"


@pytest.mark.parametrize("word", ["sometimes", "09:00am", "!", "Copenhagen"])
def test_an_unknown_word_is_refused_by_name(word: str) -> None:
    with pytest.raises(InvalidSettings) as caught:
        settings_from_words(["weekly", word, "09:00"], TeamSettings())
    assert caught.value.key == "error-setting-word"
    assert caught.value.field == "word"
    assert caught.value.values == {"word": word}


# --- the form ------------------------------------------------------------------------------

EVERY_FIELD: dict[str, tuple[str, ...]] = {
    "cadence": ("biweekly",),
    "weekday": ("3",),
    "time": (" 14:30 ",),
    "timezone": (" America/New_York ",),
    "language": ("en",),
    "round_hours": ("48",),
    "min_respondents": ("7",),
    "reminders": (),
    "leaders": ("U1", "U2"),
    "facilitators": ("U3",),
}


def test_the_form_with_every_field() -> None:
    settings = settings_from_form(EVERY_FIELD, TeamSettings())
    assert settings == TeamSettings(
        cadence=Cadence.BIWEEKLY,
        weekday=3,
        local_time=time(14, 30),
        timezone="America/New_York",
        language="en",
        round_hours=48,
        min_respondents=7,
        reminders=False,
        leaders=frozenset({"U1", "U2"}),
        facilitators=frozenset({"U3"}),
    )
    assert settings_from_form({**EVERY_FIELD, "reminders": ("on",)}, TeamSettings()).reminders


def test_fields_left_out_of_the_form_keep_their_values() -> None:
    current = rich_settings()
    kept = settings_from_form(
        {"reminders": (), "leaders": ("U1", "U2"), "facilitators": ("U3",)}, current
    )
    assert kept == current
    empty_values = dict.fromkeys(EVERY_FIELD, ())
    kept = settings_from_form(
        {**empty_values, "leaders": ("U1", "U2"), "facilitators": ("U3",)}, current
    )
    assert kept == current


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weekday", "thursday"),
        ("round_hours", "two days"),
        ("min_respondents", "5.5"),
        ("cadence", "daily"),
    ],
)
def test_unreadable_values_are_refused(field: str, value: str) -> None:
    with pytest.raises(InvalidSettings) as caught:
        settings_from_form({**EVERY_FIELD, field: (value,)}, TeamSettings())
    assert caught.value.key == "error-setting-form"


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("weekday", "7", "error-setting-weekday"),
        ("round_hours", "0", "error-setting-round-hours"),
        ("min_respondents", "2", "error-setting-min-respondents"),
        ("time", "9 o'clock", "error-setting-local-time"),
        ("timezone", "Nowhere/Special", "error-setting-timezone"),
        ("language", "fr", "error-setting-language"),
    ],
)
def test_out_of_range_values_are_refused_by_field(field: str, value: str, key: str) -> None:
    with pytest.raises(InvalidSettings) as caught:
        settings_from_form({**EVERY_FIELD, field: (value,)}, TeamSettings())
    assert caught.value.key == key


def test_the_threshold_floor_is_named() -> None:
    with pytest.raises(InvalidSettings) as caught:
        settings_from_form({"min_respondents": ("2",)}, TeamSettings())
    assert caught.value.values == {"floor": 3}
