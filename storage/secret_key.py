"""The key for participation hashes: configured, or generated once beside a SQLite file."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import URL

MIN_KEY_LENGTH = 32


class SecretKeyError(Exception):
    """The secret key is missing or unusable; the message says what to do."""


def secret_key_for(url: URL, configured: str | None) -> bytes:
    """The configured key, or the one kept beside the SQLite database (created on first use)."""
    if configured:
        if len(configured) < MIN_KEY_LENGTH:
            raise SecretKeyError(
                f"TRYGHED_SECRET_KEY is too short: use at least {MIN_KEY_LENGTH} random "
                "characters, e.g. from `python -c 'import secrets; print(secrets.token_hex(32))'`"
            )
        return configured.encode()
    if url.get_backend_name() != "sqlite":
        raise SecretKeyError(
            "TRYGHED_SECRET_KEY is required with PostgreSQL: set it to at least "
            f"{MIN_KEY_LENGTH} random characters and keep it with your backups"
        )
    if not url.database or url.database == ":memory:":
        return secrets.token_hex(32).encode()
    return _kept_beside(Path(url.database)).encode()


def key_file_for(database: Path) -> Path:
    """Where the generated key of a SQLite database is kept."""
    return database.with_name(database.name + ".key")


def _kept_beside(database: Path) -> str:
    path = key_file_for(database)
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key
