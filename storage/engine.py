"""Database engines: URL normalisation and the SQLite settings anonymity and concurrency need."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, InvalidatePoolError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.open_store import attach_sqlite, prepare_sqlite_files

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./tryghed.db"
CONNECT_SECONDS = 10.0
# A pooled connection idle this long is tried before use (a restarted server left it dead).
IDLE_PING_SECONDS = 1.0
STATEMENT_SECONDS = 30.0

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
}


class BadDatabaseUrl(ValueError):
    """The database URL cannot be used; the message says what would work (never the URL,
    which may hold a password)."""


def database_url(url: str) -> URL:
    """The URL with an async driver, so that `postgresql://…` and `sqlite:///…` work as given."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BadDatabaseUrl(f"not a database URL; {_URL_FORMS}") from None
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    if driver:
        parsed = parsed.set(drivername=driver)
    if parsed.drivername not in _ASYNC_DRIVERS.values():
        raise BadDatabaseUrl(f"{parsed.drivername} is not supported; {_URL_FORMS}")
    return parsed


_URL_FORMS = "use sqlite:///path/to/tryghed.db or postgresql://user:password@host:5432/database"


def create_engine(url: str | URL) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys, secure delete, write-ahead locking,
    private files and the open-round store beside it (storage/open_store.py)."""
    parsed = database_url(url) if isinstance(url, str) else url
    postgres = parsed.get_backend_name() == "postgresql"
    # hide_parameters: a failing statement is logged without its values (answers, hashes).
    engine = create_async_engine(
        parsed,
        hide_parameters=True,
        # A server that hangs (not one that refuses) would otherwise hold a request for a
        # minute (asyncpg's connect timeout) or for ever (its statements have none).
        connect_args=(
            {"timeout": CONNECT_SECONDS, "command_timeout": STATEMENT_SECONDS} if postgres else {}
        ),
    )
    if postgres:
        _ping_after_idle(engine)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database not in ("", ":memory:"):
            prepare_sqlite_files(Path(database))
        _configure_sqlite(engine, database)
    return engine


def _configure_sqlite(engine: AsyncEngine, database: str) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted salts and participation hashes are overwritten, not left in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        attach_sqlite(cursor, database)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: a read that later writes can then never fail with
        # "database is locked" halfway through a submission.
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _ping_after_idle(engine: AsyncEngine) -> None:
    """SQLAlchemy's pre-ping, for connections that were idle a while only.

    The pre-ping is three round trips on asyncpg (a ping in a transaction of its own) before
    every unit of work: a fifth of a PostgreSQL answer's cost under load (bench/p1), where
    connections are never idle. A connection that breaks while in use is caught anyway: the
    error invalidates the pool, and that unit of work fails as any would."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        dialect = engine.dialect
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                # As a failed pre-ping: every pooled connection is replaced, this one retried.
                raise InvalidatePoolError() from error
            raise
