"""Team settings: validated on construction; the anonymity floor cannot be configured away."""

from __future__ import annotations

from datetime import UTC, time

import pytest

from surveys.errors import InvalidSettings
from surveys.team import MIN_RESPONDENTS_FLOOR, ChannelRef, Origin, Role, TeamSettings


def test_defaults_are_sensible() -> None:
    settings = TeamSettings()
    assert settings.min_respondents == 5
    assert settings.zone.key == "Europe/Copenhagen"
    assert settings.local_time == time(9, 0)


@pytest.mark.parametrize("k", [2, 1, 0, -5])
def test_the_threshold_never_goes_below_the_floor(k: int) -> None:
    with pytest.raises(InvalidSettings) as error:
        TeamSettings(min_respondents=k)
    assert error.value.key == "error-setting-min-respondents"
    assert error.value.values == {"floor": MIN_RESPONDENTS_FLOOR}


def test_the_floor_itself_is_allowed() -> None:
    assert TeamSettings(min_respondents=3).min_respondents == 3


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("weekday", 7, "error-setting-weekday"),
        ("weekday", -1, "error-setting-weekday"),
        ("timezone", "Mars/Olympus", "error-setting-timezone"),
        ("timezone", "../etc/passwd", "error-setting-timezone"),
        ("language", "de", "error-setting-language"),
        ("round_hours", 0, "error-setting-round-hours"),
        ("round_hours", 24 * 15, "error-setting-round-hours"),
        ("local_time", time(9, 0, tzinfo=UTC), "error-setting-local-time"),
    ],
)
def test_bad_settings_name_their_message(field: str, value: object, key: str) -> None:
    with pytest.raises(InvalidSettings) as error:
        TeamSettings(**{field: value})  # type: ignore[arg-type]
    assert error.value.key == key


def test_roles() -> None:
    settings = TeamSettings(leaders=frozenset({"L"}), facilitators=frozenset({"F", "L"}))
    assert settings.role_of("L") is Role.LEADER
    assert settings.role_of("F") is Role.FACILITATOR
    assert settings.role_of("someone") is None


def test_an_origin_reaches_only_the_team_living_there() -> None:
    home = ChannelRef("slack", "T1", "C1")
    assert Origin("slack", "T1", "C1").reaches(home)
    assert Origin("slack", "T1").reaches(home)  # the platform did not name the channel
    assert not Origin("slack", "T1", "C2").reaches(home)
    assert not Origin("slack", "T2", "C1").reaches(home)
    assert not Origin("slack", "T2").reaches(home)
    assert not Origin("teams", "T1", "C1").reaches(home)
    assert not Origin("slack", "T1", "").reaches(home)
