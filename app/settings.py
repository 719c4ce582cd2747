"""Configuration from the environment or `.env`, read once at start-up."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.logs import LogFormat
from bot.slack.pacing import WORKSPACE_POSTS_PER_SECOND
from surveys.retention import DEFAULT_RETENTION_MONTHS, MAX_RETENTION_MONTHS
from surveys.team import DEFAULT_MIN_RESPONDENTS, MIN_RESPONDENTS_FLOOR

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
TEAMS_APP_TYPES = {"singletenant": "SingleTenant", "multitenant": "MultiTenant"}
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


class SandboxMode(StrEnum):
    """TRYGHED_SANDBOX: the local sandbox channel (docs/sandbox.md)."""

    AUTO = "auto"  # on when listening on loopback with neither Slack nor Teams configured
    ON = "on"
    OFF = "off"


class SettingsError(Exception):
    """A configuration value is wrong; the message names the variable and what to do."""


def _var(name: str, default: Any = None) -> Any:
    """A setting read from the variable `name` itself (no TRYGHED_ prefix)."""
    return Field(default=default, validation_alias=AliasChoices(name))


class Settings(BaseSettings):
    """The variables in docs and interface.md (their names are stable: keep them)."""

    model_config = SettingsConfigDict(
        env_prefix="TRYGHED_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
    )

    database_url: str = "sqlite+aiosqlite:///./tryghed.db"
    secret_key: SecretStr | None = None
    min_respondents: int = Field(default=DEFAULT_MIN_RESPONDENTS, ge=MIN_RESPONDENTS_FLOOR)
    content_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=3978, ge=1, le=65535)
    public_url: str | None = None
    grace_minutes: int = Field(default=120, ge=1)
    barometer_months: int = Field(default=3, ge=0, le=12)
    quiet_hours: bool = True
    sync_seconds: int = Field(default=60, ge=1)
    retention_months: int = Field(default=DEFAULT_RETENTION_MONTHS, ge=1, le=MAX_RETENTION_MONTHS)
    log_format: LogFormat = LogFormat.TEXT
    sandbox: SandboxMode = SandboxMode.AUTO

    slack_signing_secret: SecretStr | None = _var("SLACK_SIGNING_SECRET")
    slack_bot_token: SecretStr | None = _var("SLACK_BOT_TOKEN")
    slack_client_id: str | None = _var("SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = _var("SLACK_CLIENT_SECRET")
    slack_app_token: SecretStr | None = _var("SLACK_APP_TOKEN")
    slack_api_url: str = _var("SLACK_API_URL", DEFAULT_SLACK_API_URL)

    microsoft_app_id: str | None = _var("MICROSOFT_APP_ID")
    microsoft_app_password: SecretStr | None = _var("MICROSOFT_APP_PASSWORD")
    microsoft_app_type: str = _var("MICROSOFT_APP_TYPE", "SingleTenant")
    microsoft_app_tenant_id: str | None = _var("MICROSOFT_APP_TENANT_ID")
    teams_insecure_no_auth: bool = False
    # Seconds to fold a burst of answers into one update of a pulse card (Teams redraws it).
    teams_count_delay: float = Field(default=15.0, ge=0, le=600)
    # The same for the shared pulse message on Slack: the count moves in delayed, folded steps.
    slack_count_delay: float = Field(default=15.0, ge=0, le=600)
    # Posts a second per Slack workspace (Slack names a workspace-wide cap but no number).
    slack_workspace_posts_per_second: int = Field(default=WORKSPACE_POSTS_PER_SECOND, ge=1)

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        # slack_sdk joins method names onto the base URL: without the slash it drops "api".
        return value if value.endswith("/") else value + "/"

    def sandbox_on(self, host: str) -> bool:
        """Whether `serve`, listening on `host`, runs the sandbox channel: when asked to, or
        by default when only this computer can reach it and no real platform is configured
        (a sandbox beside Slack or Teams must be asked for, and still only has its own team)."""
        if self.sandbox is not SandboxMode.AUTO:
            return self.sandbox is SandboxMode.ON
        real_platform = self.slack_enabled or self.teams_enabled
        return host.strip("[]").lower() in LOOPBACK_HOSTS and not real_platform

    @property
    def slack_enabled(self) -> bool:
        """Slack is on when its signing secret is set."""
        return self.slack_signing_secret is not None

    @property
    def slack_oauth(self) -> bool:
        """Multi-workspace mode (OAuth) rather than one workspace's bot token."""
        return self.slack_client_id is not None and self.slack_bot_token is None

    def check_slack(self) -> None:
        """Refuse half a Slack configuration, naming what is missing."""
        if not self.slack_enabled:
            return
        if self.slack_bot_token is None and not (self.slack_client_id and self.slack_client_secret):
            raise SettingsError(
                "SLACK_SIGNING_SECRET is set, but neither SLACK_BOT_TOKEN (one workspace) nor "
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth for several workspaces) are"
            )
        if self.slack_oauth and not self.public_url:
            raise SettingsError(
                "TRYGHED_PUBLIC_URL is required with SLACK_CLIENT_ID (OAuth needs the public "
                "https address Slack redirects to)"
            )

    @property
    def teams_enabled(self) -> bool:
        """Teams is on with an app id, or in the explicit insecure local mode."""
        return self.microsoft_app_id is not None or self.teams_insecure_no_auth

    def check_teams(self) -> None:
        """Refuse a Teams configuration under which botbuilder would quietly skip authentication."""
        if self.teams_insecure_no_auth:
            if self.microsoft_app_id is not None:
                raise SettingsError(
                    "TRYGHED_TEAMS_INSECURE_NO_AUTH=true cannot be combined with MICROSOFT_APP_ID "
                    "(requests would be checked after all); unset one of them"
                )
            return
        if self.microsoft_app_id is None:
            if self.microsoft_app_password or self.microsoft_app_tenant_id:
                raise SettingsError(
                    "MICROSOFT_APP_ID is empty, but the other MICROSOFT_APP_* variables are set: "
                    "without an app id Teams requests go unchecked. Set MICROSOFT_APP_ID, or "
                    "TRYGHED_TEAMS_INSECURE_NO_AUTH=true for a local run without Azure"
                )
            return
        app_type = TEAMS_APP_TYPES.get(self.microsoft_app_type.strip().lower())
        if app_type is None:
            raise SettingsError(
                f"MICROSOFT_APP_TYPE must be SingleTenant or MultiTenant, "
                f"not {self.microsoft_app_type!r}"
            )
        if self.microsoft_app_password is None:
            raise SettingsError(
                "MICROSOFT_APP_PASSWORD is required with MICROSOFT_APP_ID (the client secret of "
                "the bot's Azure app registration)"
            )
        if app_type == "SingleTenant" and not self.microsoft_app_tenant_id:
            raise SettingsError(
                "MICROSOFT_APP_TENANT_ID is required for a SingleTenant app (MICROSOFT_APP_TYPE); "
                "it is the Directory (tenant) ID of the app registration"
            )


def load_settings() -> Settings:
    """The settings, or SettingsError with one line naming the variable."""
    try:
        return Settings()
    except ValidationError as error:
        detail = error.errors()[0]
        field = str(detail["loc"][0]) if detail["loc"] else ""
        name = _VARIABLES.get(field, f"TRYGHED_{field.upper()}")
        raise SettingsError(f"{name}: {detail['msg']}") from None


_VARIABLES = {
    name: str(info.validation_alias.choices[0])
    for name, info in Settings.model_fields.items()
    if isinstance(info.validation_alias, AliasChoices)
}
