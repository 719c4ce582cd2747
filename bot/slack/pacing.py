"""Slack's published limits on posting, kept before each post instead of learned from 429s.

`chat.postMessage` may post about one message a second per channel, within a workspace-wide
cap Slack says exists but puts no number on (https://docs.slack.dev/apis/web-api/rate-limits).
The limits are "per app per workspace", and one bot token is one workspace's installation:
the token is the workspace here.

Only posts are paced: a Monday fan-out sends them by the thousand, and a post that waits for
its second harms nobody. Every other method's tier ("100+ per minute") allows bursts, and
many of those calls serve a person who just clicked (users.info before a form opens, whose
trigger expires in 3 s): held back to the tier's low end, the 101st click in a minute would
wait up to a minute and lose its form. Those rely on the 429 handling alone.

A call holds a place in its windows until Slack has answered, and the place is free again a
period after that answer. A call that reaches Slack late (a slow network, a busy loop) still
never shares a window with the one a period after it, so pacing alone never earns a 429; the
429 handling (clients.py) stays as the safety net for limits lower than published.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
# (workspace, method, channel): a channel's posts, or (no channel) the workspace's calls.
Key = tuple[str, str, str | None]

# Slack publishes no number for a workspace's posts; "several a second" is what apps report.
# 20 a second is a conservative assumption (and what bench/p2_fanout.py's fake allows).
WORKSPACE_POSTS_PER_SECOND = 20
# Slack: "1 per second" per channel, short bursts allowed but not guaranteed.
CHANNEL_POSTS_PER_SECOND = 1
POST = "chat.postMessage"

# Idle windows are forgotten once there are this many (each channel posted to has one).
PRUNE_FROM = 1024


class Window:
    """At most `limit` calls in any `period` seconds, counted from each call's answer."""

    def __init__(self, limit: int, period: float, *, clock: Clock, sleep: Sleep) -> None:
        self._limit = limit
        self._period = period
        self._clock = clock
        self._sleep = sleep
        # When each free place may be used again, earliest first (a place never used: any time).
        self._free: list[float] = [float("-inf")] * limit
        # Calls waiting for a place to be handed back, first come first served.
        self._queue: deque[asyncio.Future[float]] = deque()

    async def take(self) -> None:
        """Wait for a place and its moment; the caller gives it back when answered."""
        if self._free and not self._queue:
            at = self._free.pop(0)
        else:
            turn: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            self._queue.append(turn)
            try:
                at = await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    self._hand_on(turn.result())
                else:
                    self._queue.remove(turn)
                raise
        wait = at - self._clock()
        if wait > 0:
            try:
                await self._sleep(wait)
            except asyncio.CancelledError:
                self._hand_on(at)  # unused: the next caller may have it as it was
                raise

    def give_back(self) -> None:
        """The call was answered (or failed): its place is free a period from now."""
        self._hand_on(self._clock() + self._period)

    def idle(self, now: float) -> bool:
        """Nobody waits or holds a place, and every place is free by `now`."""
        return not self._queue and len(self._free) == self._limit and self._free[-1] <= now

    def _hand_on(self, at: float) -> None:
        while self._queue:
            turn = self._queue.popleft()
            if not turn.done():
                turn.set_result(at)
                return
        bisect.insort(self._free, at)


class Pacer:
    """Makes each post wait its turn under Slack's limits for its channel and workspace;
    workspaces never wait for each other, and other methods never wait."""

    def __init__(
        self,
        *,
        posts_per_second: int = WORKSPACE_POSTS_PER_SECOND,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._posts_per_second = posts_per_second
        self._clock = clock
        self._sleep = sleep
        self._windows: dict[Key, Window] = {}
        self._prune_at = PRUNE_FROM

    @asynccontextmanager
    async def turn(
        self, workspace: str, method: str, channel: str | None = None
    ) -> AsyncIterator[None]:
        """Wait until `method` may be called; hold the place until the block is left."""
        held: list[Window] = []
        try:
            # Always the channel before the workspace: one order, so nothing waits in a circle.
            # Each window is looked up right before it is taken: one not yet held could be
            # forgotten as idle meanwhile.
            for key, limit, period in self._limits_of(workspace, method, channel):
                window = self._window(key, limit, period)
                await window.take()
                held.append(window)
            yield
        finally:
            for window in held:
                window.give_back()

    def _limits_of(
        self, workspace: str, method: str, channel: str | None
    ) -> list[tuple[Key, int, float]]:
        if method != POST:
            return []
        limits: list[tuple[Key, int, float]] = [
            ((workspace, POST, None), self._posts_per_second, 1.0)
        ]
        if channel:
            limits.insert(0, ((workspace, POST, channel), CHANNEL_POSTS_PER_SECOND, 1.0))
        return limits

    def _window(self, key: Key, limit: int, period: float) -> Window:
        window = self._windows.get(key)
        if window is None:
            if len(self._windows) >= self._prune_at:
                self._prune()
            window = Window(limit, period, clock=self._clock, sleep=self._sleep)
            self._windows[key] = window
        return window

    def _prune(self) -> None:
        now = self._clock()
        self._windows = {k: w for k, w in self._windows.items() if not w.idle(now)}
        self._prune_at = max(PRUNE_FROM, 2 * len(self._windows))
