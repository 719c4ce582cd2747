"""A TCP proxy a test can cut: a database outage as the app sees it, without stopping the server.

    async with TcpProxy("127.0.0.1", 5432) as proxy:
        url = url.set(host="127.0.0.1", port=proxy.port)   # the app connects through it
        proxy.cut()       # open connections reset, new ones refused: the server is gone
        proxy.stall()     # connections accepted and kept, nothing answered: the server hangs
        proxy.restore()   # traffic flows again

The other side (a shared PostgreSQL) never notices more than clients that went away.
"""

from __future__ import annotations

import asyncio
import contextlib
from enum import Enum
from types import TracebackType
from typing import Self

CHUNK = 64 * 1024


class Mode(Enum):
    """What the proxy does with traffic."""

    PASS = "pass"
    CUT = "cut"
    STALL = "stall"


class TcpProxy:
    """Forwards 127.0.0.1:`port` to an upstream host and port until told otherwise."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.mode = Mode.PASS
        self.connections = 0  # accepted since start, for tests that want to see traffic
        self.accepted = asyncio.Event()  # set at every accept
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.restore()
        if self._server is not None:
            self._server.close()
            self._abort_all()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @property
    def port(self) -> int:
        """Where the app should connect."""
        if self._server is None:
            raise RuntimeError("TcpProxy is not running; use `async with`")
        return int(self._server.sockets[0].getsockname()[1])

    def cut(self) -> None:
        """Reset every open connection and refuse new ones (they are closed on accept)."""
        self.mode = Mode.CUT
        self._flowing.set()  # stalled pumps wake up and find the connection gone
        self._abort_all()

    def stall(self) -> None:
        """Stop forwarding: connections stay open, and nothing comes back."""
        self.mode = Mode.STALL
        self._flowing.clear()

    def restore(self) -> None:
        """Forward traffic again (connections reset by `cut` stay gone)."""
        self.mode = Mode.PASS
        self._flowing.set()

    def _is_cut(self) -> bool:
        return self.mode is Mode.CUT

    def _abort_all(self) -> None:
        for writer in list(self._open):
            with contextlib.suppress(Exception):
                writer.transport.abort()
        self._open.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.accepted.set()
        try:
            await self._serve(reader, writer)
        except asyncio.CancelledError:
            # Stopped with the proxy; asyncio's stream server would log a cancelled handler.
            writer.transport.abort()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode is Mode.CUT:
            writer.transport.abort()
            return
        self._open.add(writer)
        try:
            await self._flowing.wait()
            if self._is_cut():  # cut while this connection waited
                writer.transport.abort()
                return
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.transport.abort()
            self._open.discard(writer)
            return
        self._open.add(up_writer)
        pumps = [
            asyncio.create_task(self._pump(reader, up_writer)),
            asyncio.create_task(self._pump(up_reader, writer)),
        ]
        self._tasks.update(pumps)
        for pump in pumps:
            pump.add_done_callback(self._tasks.discard)
        await asyncio.gather(*pumps, return_exceptions=True)
        for side in (writer, up_writer):
            self._open.discard(side)
            side.transport.abort()

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await source.read(CHUNK)
                if not data:
                    break
                # A stalled proxy holds what it read; the peer waits for an answer forever.
                await self._flowing.wait()
                if self._is_cut() or sink.transport.is_closing():
                    break
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            sink.transport.abort()
