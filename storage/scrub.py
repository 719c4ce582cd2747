"""Scrubbing what a closed round leaves on disk: deleted salts and hashes must not linger."""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)


async def scrub_deleted_rows(engine: AsyncEngine) -> None:
    """Remove the old copies of deleted salts and participation hashes from the database files.

    SQLite already overwrites deleted rows (secure_delete) but keeps older page images in its
    write-ahead log until a checkpoint; PostgreSQL keeps dead tuples until a table is rewritten.
    Both tables only ever hold the rows of open rounds, so rewriting them is cheap.
    """
    try:
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "sqlite":
                await autocommit.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            elif engine.dialect.name == "postgresql":
                await autocommit.exec_driver_sql("SET lock_timeout = '2s'")
                await autocommit.execute(text("VACUUM FULL participation, round_salts"))
    except DBAPIError:
        # Best effort: a busy database is scrubbed at the next close instead.
        log.warning("could not scrub deleted participation data yet", exc_info=True)
