"""Applying and checking migrations (Alembic, run on our async engine)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, column, inspect, select, table, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant works; replicas starting together take turns on it instead of racing.
_ADVISORY_LOCK = 0x7472_7967
VERSION_TABLE = "alembic_version"


def alembic_config() -> Config:
    """The Alembic configuration of our migrations folder."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


class DatabaseUnavailable(Exception):
    """The database cannot be reached or used; the message says why, on one line."""


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the database to the newest schema (DatabaseUnavailable when it cannot)."""
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)
    except DBAPIError as error:
        raise DatabaseUnavailable(" ".join(str(error.orig).split())) from error
    except OSError as error:
        raise DatabaseUnavailable(" ".join(str(error).split())) from error


async def is_current(engine: AsyncEngine) -> bool:
    """Whether the database has every migration applied."""
    async with engine.connect() as connection:
        return await connection.run_sync(_is_current)


def head_revision() -> str:
    """The newest migration's revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return head or ""


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _is_current(connection: Connection) -> bool:
    # Read directly rather than through Alembic's MigrationContext, which logs two lines at
    # INFO each time: readiness probes ask every few seconds.
    if not inspect(connection).has_table(VERSION_TABLE):
        return False
    version = table(VERSION_TABLE, column("version_num"))
    applied = connection.execute(select(version.c.version_num)).scalars()
    return set(applied) == _heads()


@cache
def _heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())
