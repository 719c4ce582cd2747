"""Scrubbing the open-round store after a close: what it deleted must not linger in its files.

PostgreSQL keeps deleted rows (salts, hashes, earlier versions of the running counts) in the
UNLOGGED tables' files until they are rewritten, and a rewrite must copy every row that an
older snapshot may still see: so the scrub first waits until no snapshot older than the close
is left (a `pg_dump` started before it, say), then rewrites the four small tables. It is
retried with back-off, counted, and an ERROR when it cannot be done. On SQLite there is
nothing to wait for: the side store overwrites deleted rows (secure_delete, checked when each
connection attaches it) and keeps no journal on disk.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.open_store import TABLES

log = logging.getLogger(__name__)

# Quick tries while the close waits, then slower ones in the background (about 8 minutes).
PROMPT_WAITS = (0.2, 0.5)
LATER_WAITS = (5.0, 15.0, 45.0, 120.0, 300.0)

# Snapshots, replication slots and prepared transactions as old as the close (or older).
_OLDER_THAN_CLOSE = text(
    """
    SELECT
      (SELECT count(*) FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND backend_xmin IS NOT NULL
          AND age(backend_xmin) >= age(CAST(:xid AS xid)))
    + (SELECT count(*) FROM pg_replication_slots
        WHERE xmin IS NOT NULL AND age(xmin) >= age(CAST(:xid AS xid)))
    + (SELECT count(*) FROM pg_prepared_xacts
        WHERE age(transaction) >= age(CAST(:xid AS xid)))
    """
)
_NAMES = [f"{t.schema}.{t.name}" for t in TABLES]
_REWRITE = "VACUUM FULL " + ", ".join(_NAMES)
_FILES = text("SELECT " + ", ".join(f"pg_relation_filenode('{name}')" for name in _NAMES))


class Scrubber:
    """Scrubs the open-round store after each close; `observe` hears done/retried/failed."""

    def __init__(
        self,
        engine: AsyncEngine,
        observe: Callable[[str], None] | None = None,
        *,
        prompt_waits: tuple[float, ...] = PROMPT_WAITS,
        later_waits: tuple[float, ...] = LATER_WAITS,
    ):
        self._engine = engine
        self._observe = observe
        self._prompt_waits = prompt_waits
        self._later_waits = later_waits
        self._pending = 0  # the newest close (transaction id) not yet scrubbed
        self._later: asyncio.Task[None] | None = None

    async def after_close(self, xid: int) -> None:
        """Scrub what a committed close (transaction `xid`) deleted, now or soon."""
        if self._engine.dialect.name != "postgresql":
            return
        self._pending = max(self._pending, xid)
        for wait in (*self._prompt_waits, None):
            if await self._attempt():
                return
            if wait is not None:
                await asyncio.sleep(wait)
        if self._later is None or self._later.done():
            self._later = asyncio.create_task(self._retry_later())

    async def at_start(self) -> None:
        """Scrub what an earlier run could not (its pending close lived in its memory)."""
        if self._engine.dialect.name != "postgresql":
            return
        try:
            async with self._engine.connect() as connection:
                now = await connection.scalar(text("SELECT txid_current()"))
        except DBAPIError:
            return  # the database is away: the next close scrubs
        await self.after_close(int(now or 0))

    async def stop(self) -> None:
        """Stop retrying in the background (the next close or start-up scrubs again)."""
        if self._later is not None:
            self._later.cancel()
            await asyncio.gather(self._later, return_exceptions=True)

    async def _retry_later(self) -> None:
        for wait in self._later_waits:
            self._tell("retried")
            await asyncio.sleep(wait)
            if await self._attempt():
                return
        self._tell("failed")
        log.error(
            "the open-round store could not be scrubbed after a close: a snapshot older than "
            "the close is still open (a long pg_dump or transaction, a replication slot); "
            "deleted salts and hashes stay in its files until the next close scrubs it"
        )

    async def _attempt(self) -> bool:
        """One try: True once everything deleted up to the pending close is rewritten away."""
        xid = self._pending
        if not xid:
            return True
        try:
            async with self._engine.connect() as connection:
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.exec_driver_sql("SET lock_timeout = '2s'")
                older = await autocommit.scalar(_OLDER_THAN_CLOSE, {"xid": xid % 2**32})
                if older:
                    return False
                before = (await autocommit.execute(_FILES)).one()
                await autocommit.exec_driver_sql(_REWRITE)
                after = (await autocommit.execute(_FILES)).one()
        except DBAPIError as error:
            log.warning("could not scrub the open-round store yet: %s", type(error).__name__)
            return False
        # A rewrite gives each table new files; PostgreSQL skips, with a mere warning in its
        # own log, the tables of another owner: check the result, not the command.
        if any(old == new for old, new in zip(before, after, strict=True)):
            log.error(
                "the open-round store was not scrubbed: Tryghed's database role must own the "
                "open_store tables (docs/operations.md)"
            )
            return False
        if self._pending == xid:
            self._pending = 0
        self._tell("done")
        return True

    def _tell(self, outcome: str) -> None:
        if self._observe is not None:
            self._observe(outcome)
