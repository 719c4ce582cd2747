"""A PostgreSQL database of a test's own, for tests that change the database's settings (which
the suite's shared database must not get), dropped afterwards with everything set on it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine

from storage.engine import database_url
from tests.conftest import POSTGRES_ENV, SUITE_ENV, run_blocking, skip_or_fail


@contextmanager
def throwaway_database() -> Iterator[URL]:
    """An empty database on the test server (TRYGHED_TEST_POSTGRES_URL); skipped without one,
    unless TRYGHED_REQUIRE_POSTGRES is set."""
    raw = SUITE_ENV[POSTGRES_ENV]
    if not raw:
        skip_or_fail(f"{POSTGRES_ENV} is not set, so the PostgreSQL tests do not run")
    server = database_url(raw)
    name = f"tryghed_throwaway_{uuid.uuid4().hex[:12]}"
    admin(server, f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name)
    finally:
        # Dropping the database drops its ALTER DATABASE and ALTER ROLE … IN DATABASE settings.
        admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def admin(url: URL, *statements: str) -> None:
    """Run `statements` outside a transaction (CREATE/ALTER DATABASE need that)."""

    async def run() -> None:
        engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                for statement in statements:
                    await connection.execute(text(statement))
        finally:
            await engine.dispose()

    run_blocking(run())
