"""A stand-in for `asyncio.sleep` that notes each wait and returns at once: retries and
back-off are checked by the waits asked for, not by waiting them out."""

from __future__ import annotations

import asyncio


class Waits:
    """Call it as `sleep(seconds)`; `seconds` lists every wait asked for, oldest first."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)
        await asyncio.sleep(0)  # still a point where other tasks run, as a real wait is
