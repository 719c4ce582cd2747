"""The TCP proxy the outage tests cut: it forwards, resets, refuses, holds and resumes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable

import pytest

from tests.fakes.tcp_proxy import TcpProxy


@pytest.fixture
async def echo() -> AsyncIterator[int]:
    """A line echo server; yields its port."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                writer.write(line)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    yield int(server.sockets[0].getsockname()[1])
    server.close()
    await server.wait_closed()


async def _ask(port: int, line: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(line)
        await writer.drain()
        return await reader.readline()
    finally:
        writer.close()


async def _gone(reading: Awaitable[bytes]) -> bool:
    """Whether a connection turned out closed or reset."""
    try:
        return await reading == b""
    except ConnectionError:
        return True


async def test_it_forwards_both_ways(echo: int) -> None:
    async with TcpProxy("127.0.0.1", echo) as proxy:
        assert await _ask(proxy.port, b"hello\n") == b"hello\n"
        assert proxy.connections == 1


async def test_a_cut_resets_open_connections_and_refuses_new_ones(echo: int) -> None:
    async with TcpProxy("127.0.0.1", echo) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(b"one\n")
        assert await reader.readline() == b"one\n"
        proxy.cut()
        assert await _gone(reader.read())  # the open connection is reset
        writer.close()
        assert await _gone(_ask(proxy.port, b"two\n"))  # a new one is closed at once
        proxy.restore()
        assert await _ask(proxy.port, b"three\n") == b"three\n"


async def test_a_stall_holds_everything_until_restored(echo: int) -> None:
    async with TcpProxy("127.0.0.1", echo) as proxy:
        proxy.stall()
        answer = asyncio.create_task(_ask(proxy.port, b"held\n"))
        async with asyncio.timeout(5):
            await proxy.accepted.wait()  # accepted, and parked until restored
        assert not answer.done()
        proxy.restore()
        assert await answer == b"held\n"
