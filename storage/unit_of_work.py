"""The unit of work on SQLAlchemy: one session, one transaction, every repository."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.addresses import SqlChannelAddresses
from storage.answers import SqlAnswers
from storage.claims import SqlClaims
from storage.hack_log import SqlHackLog
from storage.participation import SqlParticipation
from storage.predictions import SqlPredictions
from storage.rosters import SqlRosters
from storage.rounds import SCRUB_AFTER_COMMIT, SqlRounds
from storage.scrub import Scrubber
from storage.teams import SqlTeams
from surveys.errors import StorageUnavailable

# Batches of answers in flight at once on PostgreSQL (surveys/group_commit.py): within the
# pool's five connections, leaving some for everything else.
WRITERS = 3

# As long as SQLite's own busy timeout (storage/engine.py): then the database counts as away.
TURN_SECONDS = 10.0


class SqlUnitOfWork:
    """One transaction over every repository; rolled back unless committed."""

    teams: SqlTeams
    rounds: SqlRounds
    answers: SqlAnswers
    participation: SqlParticipation
    hacks: SqlHackLog
    claims: SqlClaims
    addresses: SqlChannelAddresses
    rosters: SqlRosters
    predictions: SqlPredictions

    def __init__(self, sessions: async_sessionmaker[AsyncSession], scrubber: Scrubber) -> None:
        self._sessions = sessions
        self._scrubber = scrubber

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
        self.teams = SqlTeams(self._session)
        self.rounds = SqlRounds(self._session)
        self.answers = SqlAnswers(self._session)
        self.participation = SqlParticipation(self._session)
        self.hacks = SqlHackLog(self._session)
        self.claims = SqlClaims(self._session)
        self.addresses = SqlChannelAddresses(self._session)
        self.rosters = SqlRosters(self._session)
        self.predictions = SqlPredictions(self._session)
        return self

    async def commit(self) -> None:
        """Make the work durable (and scrub what a closed round deleted)."""
        await self._session.commit()
        closed = self._session.info.pop(SCRUB_AFTER_COMMIT, None)
        if closed is not None:
            await self._scrubber.after_close(closed)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closing an uncommitted session rolls it back.
        try:
            await self._session.close()
        except Exception as error:
            # With the database away, the rollback fails too; nothing was committed anyway.
            if exc is None and not unavailable(error):
                raise
        if exc is not None and unavailable(exc):
            raise StorageUnavailable() from exc


def unavailable(error: BaseException) -> bool:
    """Whether an error means the database could not be reached or did not answer in time
    (as opposed to a statement it refused, which is a bug to surface)."""
    if isinstance(error, DBAPIError):
        return error.connection_invalidated or isinstance(error, OperationalError | InterfaceError)
    # Raised outside the driver's wrapping: a refused or timed-out connect, an empty pool.
    return isinstance(error, OSError | TimeoutError | PoolTimeout)


class _TakingTurns(SqlUnitOfWork):
    """On SQLite, one unit of work at a time in this process.

    SQLite has one writer, and every transaction here takes the write lock up front (see
    storage/engine.py). Left to SQLite, the others wait in its busy handler, which sleeps up
    to 100 ms between tries: under a burst of answers some ran out of time (44 of about
    5,500 in bench/p1_answer.py, none with this queue). Waiting here is a queue instead."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], scrubber: Scrubber, turn: asyncio.Lock
    ) -> None:
        super().__init__(sessions, scrubber)
        self._turn = turn

    async def __aenter__(self) -> Self:
        try:
            async with asyncio.timeout(TURN_SECONDS):
                await self._turn.acquire()
        except TimeoutError:
            raise StorageUnavailable() from None
        try:
            return await super().__aenter__()
        except BaseException:
            self._turn.release()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await super().__aexit__(exc_type, exc, tb)
        finally:
            self._turn.release()


class SqlStorage:
    """The factory of units of work on one engine."""

    def __init__(
        self, engine: AsyncEngine, *, on_scrub: Callable[[str], None] | None = None
    ) -> None:
        self.engine = engine
        self.scrubber = Scrubber(engine, on_scrub)
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        self._turn = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        # How many writing units of work are worth running side by side: SQLite has one
        # writer; PostgreSQL serves several, so one may work while another waits.
        self.writers = 1 if self._turn is not None else WRITERS

    def __call__(self) -> SqlUnitOfWork:
        if self._turn is not None:
            return _TakingTurns(self._sessions, self.scrubber, self._turn)
        return SqlUnitOfWork(self._sessions, self.scrubber)
