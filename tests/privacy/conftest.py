"""Fixtures of the red-team tests: a private logical-WAL cluster and the round's secrets."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from storage.engine import create_engine, database_url
from storage.migrate import upgrade
from tests.conftest import skip_or_fail
from tests.privacy.scenario import Traces
from tests.privacy.walcluster import Cluster, ClusterUnavailable, private_cluster


@pytest.fixture(scope="session")
def wal_cluster() -> Iterator[Cluster]:
    """A private PostgreSQL cluster with wal_level=logical for this session, deleted after.
    Skipped without PostgreSQL binaries, unless TRYGHED_REQUIRE_POSTGRES is set (CI)."""
    with ExitStack() as stack:
        try:
            cluster = stack.enter_context(private_cluster())
        except ClusterUnavailable as error:
            skip_or_fail(str(error))
        yield cluster


@pytest.fixture
async def cluster_database(wal_cluster: Cluster) -> AsyncIterator[URL]:
    """A fresh, migrated database of the private cluster for one test, dropped afterwards."""
    admin = database_url(wal_cluster.url)
    name = f"redteam_{uuid.uuid4().hex[:12]}"
    await _admin(admin, f'CREATE DATABASE "{name}"')
    url = admin.set(database=name)
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    yield url
    await _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def traces(monkeypatch: pytest.MonkeyPatch) -> Traces:
    """The salts and participant hashes the service makes during the test."""
    found = Traces()
    found.install(monkeypatch)
    return found


async def _admin(url: URL, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()
