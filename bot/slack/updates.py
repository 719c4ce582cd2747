"""Updates of one Slack message: delayed and folded, one at a time, newest wins, final last.

The shared pulse message shows how many have answered. Redrawn at once after every answer,
it would tell anyone watching the channel when each answer came in (next to who just left
their desk or closed a form), and a burst of answers would send one `chat.update` per answer
(Slack allows about 50 a minute per workspace). So, as on Teams, a count update waits
`delay` seconds (TRYGHED_SLACK_COUNT_DELAY, 15 by default): every answer in that window folds
into one update, the newest. The window starts with the first answer and is not pushed back
by later ones, so a steady trickle still shows a count every `delay` seconds.

Per message at most one update is in flight; while it is, only the newest waiting one is kept
and sent after it (a stale update that lost a race would otherwise overwrite a newer count).
The final update (the round closed) does not wait: it cancels a waiting count, and once it
has been asked for, count updates are dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Update = Callable[[], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]

# Messages whose final update has been asked for; old ones are forgotten (their rounds are
# long closed, and a count update can only follow the close by moments).
REMEMBERED_FINALS = 10_000


class MessageUpdates:
    """Delays, serialises and folds the updates of each message."""

    def __init__(self, *, delay: float = 0.0, sleep: Sleep = asyncio.sleep) -> None:
        self._delay = delay
        self._sleep = sleep
        self._busy: set[str] = set()
        self._waiting: dict[str, Update] = {}  # behind the one in flight
        self._delayed: dict[str, Update] = {}  # in the delay window, not yet sent
        self._timers: dict[str, asyncio.Task[None]] = {}
        self._finals: OrderedDict[str, None] = OrderedDict()

    async def send(self, message: str, update: Update, *, final: bool = False) -> None:
        """Send `update` after the delay (folding), or now when final or without a delay.

        A delayed update returns at once; its failure is logged (the next answer or the close
        catches up). Sent now, it goes after the one in flight (replacing an older waiting
        one); the caller sending the update in flight sends the waiting one too, and raises
        the first failure once none is waiting."""
        if message in self._finals and not final:
            return
        if final:
            self._finals[message] = None
            while len(self._finals) > REMEMBERED_FINALS:
                self._finals.popitem(last=False)
            self._delayed.pop(message, None)
            timer = self._timers.pop(message, None)
            if timer is not None:
                timer.cancel()
        elif self._delay > 0:
            self._delayed[message] = update
            if message not in self._timers:
                self._timers[message] = asyncio.create_task(self._later(message))
            return
        await self._now(message, update)

    async def idle(self) -> None:
        """Wait until no update is waiting for its delay."""
        while self._timers:
            await asyncio.gather(*self._timers.values(), return_exceptions=True)

    async def close(self) -> None:
        """Drop the updates still waiting for their delay (at shutdown)."""
        timers, self._timers = list(self._timers.values()), {}
        self._delayed.clear()
        for timer in timers:
            timer.cancel()
        await asyncio.gather(*timers, return_exceptions=True)

    async def _later(self, message: str) -> None:
        await self._sleep(self._delay)
        # From here on the timer is no longer cancelled by a final update: it is sent (after
        # this one, if this one is in flight by then) or was already dropped.
        self._timers.pop(message, None)
        update = self._delayed.pop(message, None)
        if update is None or message in self._finals:
            return
        try:
            await self._now(message, update)
        except Exception:
            log.warning("could not update a pulse message's participation count")

    async def _now(self, message: str, update: Update) -> None:
        if message in self._busy:
            self._waiting[message] = update
            return
        self._busy.add(message)
        failure: Exception | None = None
        next_update: Update | None = update
        try:
            while next_update is not None:
                try:
                    await next_update()
                except Exception as error:
                    failure = failure or error
                next_update = self._waiting.pop(message, None)
        finally:
            self._busy.discard(message)
            self._waiting.pop(message, None)
        if failure is not None:
            raise failure
