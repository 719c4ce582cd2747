"""`asyncio.sleep` under the test's control, so that no test waits on real time."""

from __future__ import annotations

import asyncio


async def settle() -> None:
    """Let every task that can run, run (a few turns of the loop)."""
    for _ in range(10):
        await asyncio.sleep(0)


class FakeSleep:
    """Every sleeper waits until `wake`; `asked` lists the seconds asked for."""

    def __init__(self) -> None:
        self.asked: list[float] = []
        self._sleepers: list[asyncio.Future[None]] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append(future)
        await future

    async def wake(self) -> None:
        """The time is up for everyone asleep now (or about to be); let them run."""
        await settle()
        sleepers, self._sleepers = self._sleepers, []
        for future in sleepers:
            if not future.done():
                future.set_result(None)
        await settle()
