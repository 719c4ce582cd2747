"""Shared fixtures: the content pack and storage on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from content.loader import default_pack
from content.schema import ContentPack
from storage.engine import create_engine, database_url
from storage.migrate import upgrade
from storage.open_store import TABLES as OPEN_TABLES
from storage.schema import METADATA
from storage.unit_of_work import SqlStorage
from surveys.ports import UnitOfWorkFactory
from tests.fakes.memory import MemoryStorage

# CI explores the same examples every run, so a landing never depends on the draw; a local
# run explores new ones (HYPOTHESIS_PROFILE=ci repeats CI's).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

POSTGRES_ENV = "TRYGHED_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "TRYGHED_REQUIRE_POSTGRES"
SQL_KINDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
ALL_KINDS = ["memory", *SQL_KINDS]

T = TypeVar("T")


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on its own loop, even from inside a running one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _migrate(url: str | URL) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def content() -> ContentPack:
    """The built-in content pack."""
    return default_pack()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies (migrating once is much faster)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    run_blocking(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[URL]:
    """A fresh, migrated PostgreSQL database for this test session, dropped afterwards."""
    raw = os.environ.get(POSTGRES_ENV)
    if not raw:
        _skip_or_fail(f"{POSTGRES_ENV} is not set, so the PostgreSQL tests do not run")
    base = database_url(raw or "")
    name = f"tryghed_test_{uuid.uuid4().hex[:12]}"
    try:
        run_blocking(_admin(base, f'CREATE DATABASE "{name}"'))
    except OSError as error:
        _skip_or_fail(f"PostgreSQL at {base.render_as_string()} is unreachable: {error}")
    url = base.set(database=name)
    run_blocking(_migrate(url))
    yield url
    run_blocking(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _skip_or_fail(reason: str) -> None:
    if os.environ.get(REQUIRE_POSTGRES_ENV):
        pytest.fail(f"{reason} (and {REQUIRE_POSTGRES_ENV} is set)")
    pytest.skip(reason)


async def _admin(url: URL, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def sql_engine(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> AsyncEngine:
    """A migrated, empty database of `kind` for one test."""
    if kind == "sqlite":
        path = tmp_path / "tryghed.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return create_engine(f"sqlite+aiosqlite:///{path}")
    engine = create_engine(request.getfixturevalue("postgres_url"))
    tables = ", ".join(
        [table.name for table in METADATA.sorted_tables]
        + [f"{table.schema}.{table.name}" for table in OPEN_TABLES]
    )
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} CASCADE"))
    return engine


@pytest.fixture(params=ALL_KINDS)
async def storage(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[UnitOfWorkFactory]:
    """Units of work on memory, SQLite and PostgreSQL: every port's contract runs on all."""
    if request.param == "memory":
        yield MemoryStorage()
        return
    engine = await sql_engine(request.param, request, tmp_path)
    yield SqlStorage(engine)
    await engine.dispose()


@pytest.fixture(params=SQL_KINDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty SQL database (SQLite and PostgreSQL)."""
    engine = await sql_engine(request.param, request, tmp_path)
    yield engine
    await engine.dispose()
