"""The secret key: configured, or generated once beside a SQLite file; required with PostgreSQL."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from storage.engine import database_url
from storage.secret_key import SecretKeyError, key_file_for, secret_key_for


def test_a_configured_key_wins(tmp_path: Path) -> None:
    url = database_url(f"sqlite:///{tmp_path / 'a.db'}")
    assert secret_key_for(url, "x" * 40) == b"x" * 40
    assert not key_file_for(tmp_path / "a.db").exists()


def test_a_short_key_is_refused() -> None:
    with pytest.raises(SecretKeyError, match="TRYGHED_SECRET_KEY is too short"):
        secret_key_for(database_url("sqlite:///x.db"), "short")


def test_sqlite_keeps_a_generated_key_beside_the_database(tmp_path: Path) -> None:
    url = database_url(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'a.db'}")
    first = secret_key_for(url, None)
    assert len(first) == 64
    path = key_file_for(tmp_path / "data" / "a.db")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key_for(url, None) == first


def test_postgres_requires_a_key() -> None:
    with pytest.raises(SecretKeyError, match="TRYGHED_SECRET_KEY is required with PostgreSQL"):
        secret_key_for(database_url("postgresql://db/tryghed"), None)


def test_an_in_memory_database_gets_a_fresh_key() -> None:
    url = database_url("sqlite+aiosqlite:///:memory:")
    assert secret_key_for(url, None) != secret_key_for(url, None)


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite"),
        ("postgresql://u@h/db", "postgresql+asyncpg"),
        ("postgres://u@h/db", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg"),
    ],
)
def test_urls_get_an_async_driver(given: str, driver: str) -> None:
    assert database_url(given).drivername == driver
