"""The sandbox channel, assembled: its gateway, its routes, the clock it may move, and what
the scheduler does once time has moved (docs/sandbox.md)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from aiohttp import web

from app.settings import LOOPBACK_HOSTS, Settings
from bot.chart.pictures import ChartCache
from bot.commands.handler import CommandHandler
from bot.pulse_updates import PulseUpdates, current_status
from bot.sandbox.chat import SandboxChat
from bot.sandbox.people import PLATFORM, PREFIX, channel
from bot.sandbox.routes import sandbox_routes
from content.schema import ContentPack
from surveys.errors import NoOpenRound, TeamNotSetUp
from surveys.ports import Clock
from surveys.service import PulseService
from surveys.team import Team

STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
# Past a round's deadline by this much, so that its close is due at once.
PAST_DEADLINE = timedelta(minutes=1)
# Time moves in steps of at most this (and of at most the grace period), the scheduler doing
# what is due after each: an act is never jumped over and skipped as missed.
LONGEST_STEP = timedelta(hours=1)
ANY_ADDRESS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 - names, not a bind


class OffsetClock:
    """Another clock's time, moved forward by hand: the sandbox's days pass in seconds."""

    def __init__(self, base: Clock) -> None:
        self._base = base
        self.shift = timedelta()

    def now(self) -> datetime:
        """The base clock's time plus the shift."""
        return self._base.now() + self.shift

    def advance(self, delta: timedelta) -> None:
        """Move forward (never back)."""
        self.shift += max(delta, timedelta())


@dataclass(frozen=True)
class SandboxParts:
    """What the service needs from the sandbox."""

    routes: list[web.RouteDef]
    chat: PulseUpdates


class SandboxControls:
    """The time and the team around the page: the clock moves only when `clock` is given
    (never beside a real platform, whose teams live by the real time)."""

    def __init__(
        self,
        service: PulseService,
        *,
        clock: Clock,
        movable: OffsetClock | None,
        due: Callable[[], Awaitable[object]],
        grace: timedelta,
    ) -> None:
        self._service = service
        self._clock = clock
        self._movable = movable
        self._due = due
        self._step = min(LONGEST_STEP, grace)

    @property
    def clock_movable(self) -> bool:
        """Whether the page may move time."""
        return self._movable is not None

    def now(self) -> datetime:
        """The service's time."""
        return self._clock.now()

    async def team(self) -> Team | None:
        """The sandbox team, once set up."""
        try:
            return await self._service.team_in(channel())
        except TeamNotSetUp:
            return None

    async def open_round(self) -> str | None:
        """The sandbox team's open round."""
        team = await self.team()
        if team is None:
            return None
        try:
            return (await self._service.open_round_of(team.id)).id
        except NoOpenRound:
            return None

    async def advance(self, step: str) -> datetime | None:
        """Let time pass, doing what falls due on the way through the scheduler's own code
        (as a running service would: reminder, close, the next round's open)."""
        if self._movable is None:
            return None
        delta = STEPS.get(step)
        if delta is None:
            round_id = await self.open_round()
            if round_id is None:
                return None
            closes_at = (await self._service.status(round_id)).round.closes_at
            delta = closes_at - self._clock.now() + PAST_DEADLINE
        while delta > timedelta():
            moved = min(delta, self._step)
            self._movable.advance(moved)
            delta -= moved
            await self._due()
        return self._clock.now()


def sandbox_hosts(settings: Settings, host: str) -> frozenset[str]:
    """The names a browser may use for this service: loopback, the address it listens on,
    and the public URL's host (anything else could be a rebinding site's name)."""
    names = set(LOOPBACK_HOSTS)
    listening = host.strip("[]").lower()
    if listening not in ANY_ADDRESS:
        names.add(listening)
    if settings.public_url and (public := urlsplit(settings.public_url).hostname):
        names.add(public.lower())
    return frozenset(names)


def sandbox_url(settings: Settings, host: str, port: int) -> str:
    """Where to point a browser."""
    listening = host.strip("[]").lower()
    if listening in ANY_ADDRESS:
        return (settings.public_url or f"http://127.0.0.1:{port}").rstrip("/") + "/"
    shown = f"[{listening}]" if ":" in listening else listening
    return f"http://{shown}:{port}/"


async def sandbox_parts(
    settings: Settings,
    service: PulseService,
    content: ContentPack,
    *,
    clock: Clock,
    movable: OffsetClock | None,
    due: Callable[[], Awaitable[object]],
    host: str,
) -> SandboxParts:
    """The sandbox channel; an open round from before a restart gets its pulse message back
    (the messages themselves live in memory, as they would in a chat app)."""
    charts = ChartCache(content)
    chat = SandboxChat(content, clock, charts=charts)
    handler = CommandHandler(
        service,
        content,
        platform=PLATFORM,
        prefix=PREFIX,
        default_min_respondents=settings.min_respondents,
        charts=charts,
    )
    controls = SandboxControls(
        service,
        clock=clock,
        movable=movable,
        due=due,
        grace=timedelta(minutes=settings.grace_minutes),
    )
    round_id = await controls.open_round()
    if round_id is not None:
        chat.restore_pulse(await service.status(round_id))
    routes = sandbox_routes(
        handler=handler,
        chat=chat,
        controls=controls,
        content=content,
        hosts=sandbox_hosts(settings, host),
    )
    # Counts show at once: the colleagues are pretend, and nobody's timing is given away.
    return SandboxParts(
        routes=routes, chat=PulseUpdates(chat, delay=0.0, current=current_status(service))
    )
