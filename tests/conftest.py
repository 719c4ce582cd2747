"""Shared fixtures: a clean environment for every test, the content pack, and storage on
memory, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.settings import Settings
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
# The application reads these prefixes; a developer's shell must not change what a test sees.
APP_PREFIXES = ("TRYGHED_", "SLACK_", "MICROSOFT_")
# The suite's own variables (TRYGHED_TEST_*, TRYGHED_REQUIRE_*) share the prefix: read them
# now, before each test clears them.
SUITE_PREFIXES = ("TRYGHED_TEST_", "TRYGHED_REQUIRE_")
SUITE_ENV = {
    POSTGRES_ENV: "",
    REQUIRE_POSTGRES_ENV: "",
    **{name: value for name, value in os.environ.items() if name.startswith(SUITE_PREFIXES)},
}
SQL_KINDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
ALL_KINDS = ["memory", *SQL_KINDS]

T = TypeVar("T")


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on its own loop, even from inside a running one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def isolate(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    """Clear the application's variables and work in `directory` (no `.env`, no `tryghed.db`
    beside the clone), until `monkeypatch` undoes it."""
    for name in list(os.environ):
        if name.startswith(APP_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.chdir(directory)


def harness_settings(fields: Mapping[str, Any]) -> Settings:
    """`Settings` from `fields`, nothing read from the environment or a `.env`; a name that is
    no setting fails here (the settings themselves would ignore it)."""
    unknown = sorted(set(fields) - set(Settings.model_fields))
    if unknown:
        raise TypeError(f"not a setting: {', '.join(unknown)}")
    return Settings(_env_file=None, **fields)  # type: ignore[call-arg]


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test runs isolated in its own directory; tests of the settings set what they read
    (a fixture shared by a module isolates itself: it starts before this one)."""
    isolate(monkeypatch, tmp_path)


def skip_or_fail(reason: str) -> None:
    """Skip a test for want of PostgreSQL, or fail it where the run demands PostgreSQL (CI)."""
    if SUITE_ENV[REQUIRE_POSTGRES_ENV]:
        pytest.fail(f"{reason} (and {REQUIRE_POSTGRES_ENV} is set)")
    pytest.skip(reason)


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
    raw = SUITE_ENV[POSTGRES_ENV]
    if not raw:
        skip_or_fail(f"{POSTGRES_ENV} is not set, so the PostgreSQL tests do not run")
    base = database_url(raw or "")
    name = f"tryghed_test_{uuid.uuid4().hex[:12]}"
    try:
        run_blocking(_admin(base, f'CREATE DATABASE "{name}"'))
    except OSError as error:
        skip_or_fail(f"PostgreSQL at {base.render_as_string()} is unreachable: {error}")
    url = base.set(database=name)
    run_blocking(_migrate(url))
    yield url
    run_blocking(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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
