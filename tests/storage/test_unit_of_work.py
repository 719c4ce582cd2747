"""A unit of work turns "the database is away" into StorageUnavailable (people are asked to
try again), and leaves every other database error as it is (a bug to surface)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from storage.engine import create_engine
from storage.unit_of_work import SqlStorage, unavailable
from surveys.errors import StorageUnavailable


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT 1", {}, Exception("server closed the connection")),
        InterfaceError("SELECT 1", {}, Exception("connection is closed")),
        ConnectionRefusedError(111, "refused"),
        TimeoutError(),
        PoolTimeout("QueuePool limit reached"),
    ],
)
def test_what_means_the_database_is_away(error: BaseException) -> None:
    assert unavailable(error)


@pytest.mark.parametrize(
    "error",
    [IntegrityError("INSERT", {}, Exception("duplicate key")), ValueError("a bug"), KeyError("k")],
)
def test_what_does_not(error: BaseException) -> None:
    assert not unavailable(error)


async def test_a_database_nobody_answers_for_is_unavailable() -> None:
    # Port 1 on loopback: nothing listens, so every connection is refused at once.
    engine = create_engine("postgresql://nobody@127.0.0.1:1/tryghed")
    try:
        with pytest.raises(StorageUnavailable) as refused:
            async with SqlStorage(engine)() as uow:
                await uow.teams.all()
        assert refused.value.key == "error-try-again"
    finally:
        await engine.dispose()


async def test_other_errors_pass_through() -> None:
    engine = create_engine("sqlite+aiosqlite:///:memory:")
    try:
        with pytest.raises(RuntimeError):
            async with SqlStorage(engine)():
                raise RuntimeError("a bug, not an outage")
    finally:
        await engine.dispose()
