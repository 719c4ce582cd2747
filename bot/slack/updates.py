"""Updates of one Slack message, one at a time, newest wins.

A burst of answers would otherwise send one `chat.update` per answer, each redrawing the same
count: Slack allows about 50 updates a minute per workspace, and a stale update that loses a
race could overwrite a newer count (or a round's "closed" state). So per message at most one
update is in flight; while it is, only the newest waiting one is kept and sent after it; and
once the final update (the round closed) is asked for, count updates are dropped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable

Update = Callable[[], Awaitable[None]]

# Messages whose final update has been asked for; old ones are forgotten (their rounds are
# long closed, and a count update can only follow the close by moments).
REMEMBERED_FINALS = 10_000


class MessageUpdates:
    """Serialises and folds the updates of each message."""

    def __init__(self) -> None:
        self._busy: set[str] = set()
        self._waiting: dict[str, Update] = {}
        self._finals: OrderedDict[str, None] = OrderedDict()

    async def send(self, message: str, update: Update, *, final: bool = False) -> None:
        """Send `update` now, or after the one in flight (replacing any older waiting one).

        Returns at once when folded; the caller sending the update in flight sends the
        waiting one too, and raises the first failure once none is waiting."""
        if message in self._finals and not final:
            return
        if final:
            self._finals[message] = None
            while len(self._finals) > REMEMBERED_FINALS:
                self._finals.popitem(last=False)
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
