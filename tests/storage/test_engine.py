"""PostgreSQL connections: one a restart killed is replaced before use once it has been idle,
and one in steady use is not tried first (the pre-ping's round trips were a fifth of an
answer under load)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

import storage.engine as engines
from storage.engine import create_engine

pytestmark = pytest.mark.postgres


async def _backend(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text("SELECT pg_backend_pid()")))


async def _terminate(url: URL, pid: int) -> None:
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f"SELECT pg_terminate_backend({pid})"))
    finally:
        await admin.dispose()


async def test_a_connection_the_server_ended_is_replaced_before_use(
    postgres_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engines, "IDLE_PING_SECONDS", 0.0)  # every checkin counts as idle
    engine = create_engine(postgres_url)
    try:
        pid = await _backend(engine)
        await _terminate(postgres_url, pid)  # as a restart ends the pooled connection
        assert await _backend(engine) != pid
    finally:
        await engine.dispose()


async def test_a_connection_in_steady_use_is_not_tried_first(
    postgres_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(postgres_url)
    pings: list[Any] = []
    ping = engine.dialect.do_ping

    def counted_ping(connection: Any) -> bool:
        pings.append(connection)
        return ping(connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted_ping)
    try:
        for _ in range(5):
            await _backend(engine)
        assert pings == []
        monkeypatch.setattr(engines, "IDLE_PING_SECONDS", 0.0)
        await _backend(engine)
        assert len(pings) == 1
    finally:
        await engine.dispose()
