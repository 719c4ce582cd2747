"""Configuration from the environment or `.env`, read once at start-up."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from surveys.team import DEFAULT_MIN_RESPONDENTS, MIN_RESPONDENTS_FLOOR


class SettingsError(Exception):
    """A configuration value is wrong; the message names the variable and what to do."""


class Settings(BaseSettings):
    """The `TRYGHED_*` variables (names are part of the interface: keep them stable)."""

    model_config = SettingsConfigDict(
        env_prefix="TRYGHED_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///./tryghed.db"
    secret_key: SecretStr | None = None
    min_respondents: int = Field(default=DEFAULT_MIN_RESPONDENTS, ge=MIN_RESPONDENTS_FLOOR)
    content_dir: Path | None = None


def load_settings() -> Settings:
    """The settings, or SettingsError with one line naming the variable."""
    try:
        return Settings()
    except ValidationError as error:
        detail = error.errors()[0]
        name = "TRYGHED_" + str(detail["loc"][0]).upper() if detail["loc"] else "configuration"
        raise SettingsError(f"{name}: {detail['msg']}") from None
