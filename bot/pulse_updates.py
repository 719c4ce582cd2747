"""Updates of the shared pulse message, the same on every platform: delayed and folded, one at
a time per message, newest wins, and "closed" is final.

The pulse message shows how many have answered. Redrawn at once after every answer, it would
tell anyone watching the channel when each answer came in (next to who just left their desk
or closed a form), a burst of answers would send one update per answer (Slack allows about 50
a minute per workspace; Teams redraws the card for everyone, someone halfway through the form
included). So a count update waits `delay` seconds (TRYGHED_SLACK_COUNT_DELAY,
TRYGHED_TEAMS_COUNT_DELAY): every answer in that window folds into one update, showing the
round's count as it is when the window ends (read through `current`, above the gateway, so
that a gateway only renders and sends). The window starts with the first answer and is not
pushed back by later ones, so a steady trickle still shows a count every `delay` seconds.

Per message at most one update is in flight; while it is, only the newest waiting one is kept
and sent after it (a stale update that lost a race would otherwise overwrite a newer count).
The close does not wait for the window: it drops a waiting count, goes right after the update
in flight, and once it has been asked for, count updates are dropped. A round closed
elsewhere (another replica) is seen by `current`, and its message is left as the close left it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

from content.schema import Hack
from surveys.announcements import PrivateNote, PulseStatus, RoundOutcome
from surveys.errors import TryghedError
from surveys.ports import ChatGateway
from surveys.service import PulseService
from surveys.team import Team

log = logging.getLogger(__name__)

# The round's status as it is now (None when it is gone), read when a delayed count is sent.
CurrentStatus = Callable[[str], Awaitable[PulseStatus | None]]
Sleep = Callable[[float], Awaitable[None]]
Update = Callable[[], Awaitable[None]]

# Messages whose close has been asked for; old ones are forgotten (their rounds are long
# closed, and a count update can only follow the close by moments).
REMEMBERED_FINALS = 10_000


def current_status(service: PulseService) -> CurrentStatus:
    """The round's status as the service reads it now; None when the round is gone."""

    async def current(round_id: str) -> PulseStatus | None:
        try:
            return await service.status(round_id)
        except TryghedError:
            return None

    return current


class PulseUpdates:
    """One platform's ChatGateway behind the pulse message's update policy; every other call
    goes straight through."""

    def __init__(
        self,
        gateway: ChatGateway,
        *,
        delay: float = 0.0,
        current: CurrentStatus | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._gateway = gateway
        self._delay = delay
        self._current = current
        self._sleep = sleep
        self._in_flight: dict[str, asyncio.Event] = {}  # set once the message is idle again
        self._waiting: dict[str, Update] = {}  # behind the one in flight
        self._delayed: dict[str, PulseStatus] = {}  # in the delay window, not yet sent
        self._timers: dict[str, asyncio.Task[None]] = {}
        self._finals: OrderedDict[str, None] = OrderedDict()

    async def channel_members(self, team: Team) -> Sequence[str]:
        """The gateway's answer."""
        return await self._gateway.channel_members(team)

    async def post_pulse(self, status: PulseStatus) -> str:
        """The gateway's answer."""
        return await self._gateway.post_pulse(status)

    async def update_pulse(self, status: PulseStatus, message_ref: str) -> None:
        """Show the count after the delay (folding), or now without one; never after the close.

        A delayed count returns at once; its failure is logged (the next answer or the close
        catches up). Sent now, it goes after the one in flight (replacing an older waiting
        one); the caller whose update is in flight sends the waiting one too, and raises the
        first failure once none is waiting."""
        key = _key(status.team, message_ref)
        if key in self._finals:
            return
        if self._delay <= 0:
            await self._now(key, lambda: self._gateway.update_pulse(status, message_ref))
            return
        self._delayed[key] = status
        if key not in self._timers:
            self._timers[key] = asyncio.create_task(self._later(key, message_ref))

    async def post_outcome(self, outcome: RoundOutcome) -> None:
        """Post the summary and close the pulse message: at once, after the update in flight,
        and for good (raises the gateway's failure)."""
        ref = outcome.round.message_ref
        if ref is None:
            await self._gateway.post_outcome(outcome)
            return
        key = _key(outcome.team, ref)
        self._finals[key] = None
        while len(self._finals) > REMEMBERED_FINALS:
            self._finals.popitem(last=False)
        self._delayed.pop(key, None)
        self._waiting.pop(key, None)
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        while (busy := self._in_flight.get(key)) is not None:
            await busy.wait()
        await self._now(key, lambda: self._gateway.post_outcome(outcome))

    async def send_private(self, team: Team, user_id: str, notice: PrivateNote) -> None:
        """Straight through."""
        await self._gateway.send_private(team, user_id, notice)

    async def post_hack(self, team: Team, hack: Hack) -> str:
        """The gateway's answer."""
        return await self._gateway.post_hack(team, hack)

    async def idle(self) -> None:
        """Wait until no count is waiting for its delay."""
        while self._timers:
            await asyncio.gather(*self._timers.values(), return_exceptions=True)

    async def close(self) -> None:
        """Drop the counts still waiting for their delay (at shutdown; the close shows the
        final state)."""
        timers, self._timers = list(self._timers.values()), {}
        self._delayed.clear()
        for timer in timers:
            timer.cancel()
        await asyncio.gather(*timers, return_exceptions=True)

    async def _later(self, key: str, message_ref: str) -> None:
        await self._sleep(self._delay)
        # From here on the close no longer cancels this timer: the count is sent (after the
        # update in flight, if there is one) or was dropped.
        self._timers.pop(key, None)
        status = self._delayed.pop(key, None)
        if status is None or key in self._finals:
            return

        async def update() -> None:
            now: PulseStatus | None = status
            if self._current is not None:
                # Meanwhile the round may have closed (on another replica, too): show what is
                # true now, and never turn a closed message back into an open one.
                now = await self._current(status.round.id)
            if now is not None and now.round.is_open:
                await self._gateway.update_pulse(now, message_ref)

        try:
            await self._now(key, update)
        except Exception:
            log.warning("could not update a pulse message's participation count")

    async def _now(self, key: str, update: Update) -> None:
        if key in self._in_flight:
            self._waiting[key] = update
            return
        idle = self._in_flight[key] = asyncio.Event()
        failure: Exception | None = None
        next_update: Update | None = update
        try:
            while next_update is not None:
                try:
                    await next_update()
                except Exception as error:
                    failure = failure or error
                next_update = self._waiting.pop(key, None)
        finally:
            del self._in_flight[key]
            self._waiting.pop(key, None)
            idle.set()
        if failure is not None:
            raise failure


def _key(team: Team, message_ref: str) -> str:
    channel = team.channel
    return f"{channel.platform}/{channel.workspace_id}/{channel.channel_id}/{message_ref}"
