"""The composition root: settings, storage, the domain, the platforms and the web app, wired."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiohttp import web

from bot.chats import Chats
from bot.settings import Settings, SettingsError
from bot.slack.wiring import Stop, slack_parts
from bot.teams.wiring import TeamsParts, teams_parts
from bot.web import web_app
from content.schema import ContentPack
from scheduler.acts import Acts, Rules
from scheduler.timers import PulseScheduler
from storage.engine import create_engine, database_url
from storage.migrate import DatabaseUnavailable, is_current, upgrade
from storage.secret_key import SecretKeyError, secret_key_for
from storage.unit_of_work import SqlStorage
from surveys.schedule import QuietHours
from surveys.service import PulseService

log = logging.getLogger(__name__)


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        """Now."""
        return datetime.now(UTC)


@dataclass
class Service:
    """Everything `serve` runs, ready to start."""

    app: web.Application
    pulse: PulseService
    start_socket_mode: Callable[[], Awaitable[Stop]] | None


@asynccontextmanager
async def running_service(
    settings: Settings, content: ContentPack, *, platforms: bool = True, schedule: bool = True
) -> AsyncIterator[Service]:
    """Migrate, wire and yield the service; stop the timers and the pool afterwards.

    `platforms=False` leaves out the platforms' routes (health and readiness stay);
    `schedule=False` runs no timers (another replica does)."""
    settings.check_slack()
    settings.check_teams()
    url = database_url(settings.database_url)
    try:
        secret = secret_key_for(
            url, settings.secret_key.get_secret_value() if settings.secret_key else None
        )
    except SecretKeyError as error:
        raise SettingsError(str(error)) from None
    engine = create_engine(url)
    timers: PulseScheduler | None = None
    teams: TeamsParts | None = None
    try:
        await upgrade(engine)
        routes: list[web.RouteDef] = []
        chats = Chats()
        storage = SqlStorage(engine)
        service = PulseService(
            unit_of_work=storage,
            clock=SystemClock(),
            chat=chats,
            content=content,
            secret_key=secret,
        )
        socket_mode = None
        if settings.slack_enabled:
            slack = slack_parts(settings, service, content, engine)
            chats.add("slack", slack.chat)
            if platforms:
                routes.extend(slack.routes)
                socket_mode = slack.start_socket_mode
        else:
            log.info(
                "Slack is off: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to turn it on "
                "(see docs/slack.md)"
            )
        if settings.teams_enabled:
            teams = await teams_parts(settings, service, content, storage)
            chats.add("teams", teams.chat)
            if platforms:
                routes.extend(teams.routes)
        else:
            log.info("Teams is off: set MICROSOFT_APP_ID to turn it on (see docs/teams.md)")

        if schedule:
            timers = _scheduler(settings, service, storage)

        async def readiness() -> dict[str, bool]:
            checks = {} if timers is None else {"scheduler": timers.running}
            try:
                current = await is_current(engine)
            except Exception:
                return {"database": False, "migrations": False, **checks}
            return {"database": True, "migrations": current, **checks}

        if timers is not None:
            await timers.start()
            service.subscribe(timers.nudge)

        yield Service(
            app=web_app(routes, readiness=readiness), pulse=service, start_socket_mode=socket_mode
        )
    finally:
        if timers is not None:
            await timers.stop()
        if teams is not None:
            await teams.stop()
        await engine.dispose()


def _scheduler(settings: Settings, service: PulseService, storage: SqlStorage) -> PulseScheduler:
    clock = SystemClock()
    rules = Rules(
        grace=timedelta(minutes=settings.grace_minutes),
        barometer_months=settings.barometer_months,
        quiet=QuietHours(enabled=settings.quiet_hours),
    )
    acts = Acts(service=service, unit_of_work=storage, clock=clock, rules=rules)
    return PulseScheduler(
        acts,
        unit_of_work=storage,
        clock=clock,
        sync_every=timedelta(seconds=settings.sync_seconds),
    )


async def serve(
    settings: Settings,
    content: ContentPack,
    *,
    host: str,
    port: int,
    platforms: bool = True,
    schedule: bool = True,
) -> None:
    """Run until SIGTERM or SIGINT."""
    try:
        async with running_service(
            settings, content, platforms=platforms, schedule=schedule
        ) as service:
            runner = web.AppRunner(service.app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, host, port)
            await site.start()
            log.info("Tryghed is listening on http://%s:%d", host, port)
            stop_socket_mode = (
                await service.start_socket_mode() if service.start_socket_mode else None
            )
            try:
                await _until_stopped()
            finally:
                log.info("stopping")
                if stop_socket_mode is not None:
                    await stop_socket_mode()
                await runner.cleanup()
    except DatabaseUnavailable as error:
        raise SettingsError(f"TRYGHED_DATABASE_URL: cannot use the database: {error}") from None


async def _until_stopped() -> None:
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stopped.set)
    await stopped.wait()
