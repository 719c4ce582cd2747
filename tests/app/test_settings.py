"""Settings from the environment: defaults, names, empty values, refusals naming the variable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.settings import DEFAULT_SLACK_API_URL, Settings, SettingsError, load_settings

SIGNING_SECRET = "s" * 32


@pytest.fixture(autouse=True)
def clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No TRYGHED_* or SLACK_* variable from the machine, and no `.env` in the directory."""
    for name in list(os.environ):
        if name.startswith(("TRYGHED_", "SLACK_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///./tryghed.db"
    assert settings.secret_key is None
    assert settings.min_respondents == 5
    assert settings.content_dir is None
    assert (settings.host, settings.port) == ("127.0.0.1", 3978)
    assert settings.public_url is None
    assert settings.retention_months == 24
    assert settings.slack_api_url == DEFAULT_SLACK_API_URL == "https://slack.com/api/"
    assert settings.slack_signing_secret is None
    assert settings.slack_bot_token is None
    assert settings.slack_client_id is None
    assert settings.slack_client_secret is None
    assert settings.slack_app_token is None
    assert not settings.slack_enabled
    assert not settings.slack_oauth
    settings.check_slack()  # Slack off is a whole configuration


def test_tryghed_variables_have_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGHED_DATABASE_URL", "postgresql+asyncpg://db/tryghed")
    monkeypatch.setenv("TRYGHED_MIN_RESPONDENTS", "7")
    monkeypatch.setenv("TRYGHED_PORT", "8080")
    monkeypatch.setenv("TRYGHED_HOST", "0.0.0.0")
    monkeypatch.setenv("TRYGHED_PUBLIC_URL", "https://tryghed.example.org")
    monkeypatch.setenv("TRYGHED_CONTENT_DIR", "/srv/pack")
    monkeypatch.setenv("TRYGHED_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("PORT", "1")  # not ours
    settings = load_settings()
    assert settings.database_url == "postgresql+asyncpg://db/tryghed"
    assert settings.min_respondents == 7
    assert (settings.host, settings.port) == ("0.0.0.0", 8080)
    assert settings.public_url == "https://tryghed.example.org"
    assert settings.content_dir == Path("/srv/pack")
    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == "k" * 40


def test_slack_variables_are_read_without_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_CLIENT_ID", "123.456")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "client-secret")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    settings = load_settings()
    assert settings.slack_signing_secret is not None
    assert settings.slack_signing_secret.get_secret_value() == SIGNING_SECRET
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-1"
    assert settings.slack_client_id == "123.456"
    assert settings.slack_client_secret is not None
    assert settings.slack_client_secret.get_secret_value() == "client-secret"
    assert settings.slack_app_token is not None
    assert settings.slack_app_token.get_secret_value() == "xapp-1"
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.slack_enabled
    assert not settings.slack_oauth  # a bot token means one workspace


def test_slack_variables_with_the_prefix_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGHED_SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("TRYGHED_SLACK_BOT_TOKEN", "xoxb-1")
    settings = load_settings()
    assert settings.slack_signing_secret is None
    assert settings.slack_bot_token is None


def test_secrets_do_not_show_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    shown = repr(load_settings())
    assert SIGNING_SECRET not in shown
    assert "xoxb-very-secret" not in shown


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("http://127.0.0.1:9/api", "http://127.0.0.1:9/api/"),
        ("http://127.0.0.1:9/api/", "http://127.0.0.1:9/api/"),
        ("https://slack.example.org", "https://slack.example.org/"),
    ],
)
def test_the_slack_api_url_gets_a_trailing_slash(
    monkeypatch: pytest.MonkeyPatch, given: str, used: str
) -> None:
    monkeypatch.setenv("SLACK_API_URL", given)
    assert load_settings().slack_api_url == used


@pytest.mark.parametrize(
    "name",
    [
        "TRYGHED_PORT",
        "TRYGHED_MIN_RESPONDENTS",
        "TRYGHED_PUBLIC_URL",
        "TRYGHED_SECRET_KEY",
        "TRYGHED_DATABASE_URL",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_CLIENT_ID",
        "SLACK_API_URL",
    ],
)
def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "")
    assert load_settings() == Settings()
    assert load_settings().slack_api_url == DEFAULT_SLACK_API_URL


def test_a_dot_env_file_is_read_and_the_environment_wins(
    clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean / ".env").write_text(
        "TRYGHED_PORT=4000\nTRYGHED_MIN_RESPONDENTS=6\nSLACK_BOT_TOKEN=xoxb-from-file\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("TRYGHED_MIN_RESPONDENTS", "8")
    settings = load_settings()
    assert settings.port == 4000
    assert settings.min_respondents == 8
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-file"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TRYGHED_MIN_RESPONDENTS", "2"),
        ("TRYGHED_MIN_RESPONDENTS", "many"),
        ("TRYGHED_PORT", "notaport"),
        ("TRYGHED_PORT", "0"),
        ("TRYGHED_PORT", "65536"),
        ("TRYGHED_RETENTION_MONTHS", "0"),
        ("TRYGHED_RETENTION_MONTHS", "forever"),
    ],
)
def test_a_bad_value_names_its_variable_on_one_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert "\n" not in message
    assert len(message) > len(name) + 2


def test_a_bad_value_names_its_variable_when_other_variables_are_fine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("TRYGHED_PORT", "notaport")
    with pytest.raises(SettingsError, match=r"^TRYGHED_PORT: "):
        load_settings()


# --- check_slack ---------------------------------------------------------------------------


def slack(monkeypatch: pytest.MonkeyPatch, **variables: str) -> Settings:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return load_settings()


def test_a_signing_secret_alone_is_half_a_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = slack(monkeypatch)
    with pytest.raises(SettingsError) as caught:
        settings.check_slack()
    message = str(caught.value)
    assert "SLACK_BOT_TOKEN" in message
    assert "SLACK_CLIENT_ID" in message
    assert "\n" not in message


def test_a_client_id_without_its_secret_is_not_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = slack(
        monkeypatch, SLACK_CLIENT_ID="123.456", TRYGHED_PUBLIC_URL="https://t.example.org"
    )
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN"):
        settings.check_slack()


def test_one_workspace_with_a_bot_token(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = slack(monkeypatch, SLACK_BOT_TOKEN="xoxb-1")
    settings.check_slack()
    assert settings.slack_enabled
    assert not settings.slack_oauth


def test_oauth_needs_the_public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = slack(monkeypatch, SLACK_CLIENT_ID="123.456", SLACK_CLIENT_SECRET="cs")
    assert settings.slack_oauth
    with pytest.raises(SettingsError) as caught:
        settings.check_slack()
    assert str(caught.value).startswith("TRYGHED_PUBLIC_URL")
    with_url = slack(
        monkeypatch,
        SLACK_CLIENT_ID="123.456",
        SLACK_CLIENT_SECRET="cs",
        TRYGHED_PUBLIC_URL="https://tryghed.example.org",
    )
    with_url.check_slack()
    assert with_url.slack_oauth


def test_without_a_signing_secret_slack_is_off_whatever_else_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", "123.456")
    settings = load_settings()
    assert not settings.slack_enabled
    settings.check_slack()


def test_the_retention_is_read_in_months(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGHED_RETENTION_MONTHS", "6")
    assert load_settings().retention_months == 6


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_the_sandbox_is_on_by_default_on_loopback_without_a_platform(host: str) -> None:
    assert load_settings().sandbox_on(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "tryghed.example.org"])
def test_the_sandbox_is_off_by_default_where_others_can_reach_it(host: str) -> None:
    assert not load_settings().sandbox_on(host)


def test_a_real_platform_turns_the_default_sandbox_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert not load_settings().sandbox_on("127.0.0.1")
    monkeypatch.setenv("TRYGHED_SANDBOX", "on")
    assert load_settings().sandbox_on("127.0.0.1")


def test_the_sandbox_setting_decides_when_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGHED_SANDBOX", "off")
    assert not load_settings().sandbox_on("127.0.0.1")
    monkeypatch.setenv("TRYGHED_SANDBOX", "on")
    assert load_settings().sandbox_on("0.0.0.0")
    monkeypatch.setenv("TRYGHED_SANDBOX", "maybe")
    with pytest.raises(SettingsError, match="TRYGHED_SANDBOX"):
        load_settings()
