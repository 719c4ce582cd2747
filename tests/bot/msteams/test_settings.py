"""The Teams settings: names, defaults, and the refusals that keep authentication on."""

from __future__ import annotations

import pytest

from app.settings import SettingsError, load_settings

APP_ID = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"


def test_teams_is_off_by_default() -> None:
    settings = load_settings()
    assert not settings.teams_enabled
    assert settings.microsoft_app_type == "SingleTenant"
    assert settings.teams_insecure_no_auth is False
    assert settings.teams_count_delay == 15.0
    settings.check_teams()


def test_the_variables_are_read_by_their_own_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "s3cret")
    monkeypatch.setenv("MICROSOFT_APP_TENANT_ID", "tenant-1")
    monkeypatch.setenv("MICROSOFT_APP_TYPE", "singletenant")
    settings = load_settings()
    assert settings.teams_enabled
    assert settings.microsoft_app_id == APP_ID
    assert settings.microsoft_app_password is not None
    assert settings.microsoft_app_password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)
    settings.check_teams()


def test_empty_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROSOFT_APP_ID", "")
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "")
    assert not load_settings().teams_enabled


def test_the_insecure_mode_turns_teams_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGHED_TEAMS_INSECURE_NO_AUTH", "true")
    settings = load_settings()
    assert settings.teams_enabled
    settings.check_teams()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"MICROSOFT_APP_PASSWORD": "s"}, "MICROSOFT_APP_ID"),
        ({"MICROSOFT_APP_TENANT_ID": "t"}, "MICROSOFT_APP_ID"),
        ({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "s"}, "MICROSOFT_APP_TENANT_ID"),
        ({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_TENANT_ID": "t"}, "MICROSOFT_APP_PASSWORD"),
        (
            {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_TYPE": "UserAssignedMSI"},
            "MICROSOFT_APP_TYPE",
        ),
        (
            {"MICROSOFT_APP_ID": APP_ID, "TRYGHED_TEAMS_INSECURE_NO_AUTH": "true"},
            "TRYGHED_TEAMS_INSECURE_NO_AUTH",
        ),
    ],
)
def test_refusals_name_the_variable(
    env: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_settings().check_teams()
    assert str(refused.value).startswith(named) or named in str(refused.value)


def test_multi_tenant_needs_no_tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "s")
    monkeypatch.setenv("MICROSOFT_APP_TYPE", "MultiTenant")
    load_settings().check_teams()


def test_a_bad_count_delay_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGHED_TEAMS_COUNT_DELAY", "-1")
    with pytest.raises(SettingsError, match="TRYGHED_TEAMS_COUNT_DELAY"):
        load_settings()
