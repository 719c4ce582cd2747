"""A clock and a sleep that spend no real time: the clock stands still while any task can
run, and jumps to the earliest wake-up once every task sleeps."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable
from typing import TypeVar

from tests.fakes.sleep import settle

T = TypeVar("T")


class VirtualTime:
    """Call it for the time; `sleep` waits in it; `run` drives it until the work is done."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Wake at `now + seconds` of this clock."""
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._order), woken))
        await woken

    async def run(self, work: Awaitable[T]) -> T:
        """Await `work`, moving the clock whenever nothing else can happen."""
        task = asyncio.ensure_future(work)
        while True:
            await settle()
            if task.done():
                return task.result()
            if not self._sleepers:
                raise RuntimeError("everything waits, and not on the clock")
            at = self._sleepers[0][0]
            self.now = max(self.now, at)
            while self._sleepers and self._sleepers[0][0] <= at:
                _, _, woken = heapq.heappop(self._sleepers)
                if not woken.done():
                    woken.set_result(None)
