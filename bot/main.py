"""The composition root: settings, storage, the domain, the platforms and the web app, wired."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web

from bot.chats import Chats
from bot.settings import Settings, SettingsError
from bot.slack.wiring import Stop, slack_parts
from bot.web import web_app
from content.schema import ContentPack
from storage.engine import create_engine, database_url
from storage.migrate import DatabaseUnavailable, is_current, upgrade
from storage.secret_key import SecretKeyError, secret_key_for
from storage.unit_of_work import SqlStorage
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
async def running_service(settings: Settings, content: ContentPack) -> AsyncIterator[Service]:
    """Migrate, wire and yield the service; dispose of the database pool afterwards."""
    settings.check_slack()
    url = database_url(settings.database_url)
    try:
        secret = secret_key_for(
            url, settings.secret_key.get_secret_value() if settings.secret_key else None
        )
    except SecretKeyError as error:
        raise SettingsError(str(error)) from None
    engine = create_engine(url)
    try:
        await upgrade(engine)
        routes: list[web.RouteDef] = []
        chats = Chats()
        service = PulseService(
            unit_of_work=SqlStorage(engine),
            clock=SystemClock(),
            chat=chats,
            content=content,
            secret_key=secret,
        )
        socket_mode = None
        if settings.slack_enabled:
            slack = slack_parts(settings, service, content, engine)
            chats.add("slack", slack.chat)
            routes.extend(slack.routes)
            socket_mode = slack.start_socket_mode
        else:
            log.info(
                "Slack is off: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to turn it on "
                "(see docs/slack.md)"
            )

        async def readiness() -> dict[str, bool]:
            try:
                current = await is_current(engine)
            except Exception:
                return {"database": False, "migrations": False}
            return {"database": True, "migrations": current}

        yield Service(
            app=web_app(routes, readiness=readiness), pulse=service, start_socket_mode=socket_mode
        )
    finally:
        await engine.dispose()


async def serve(settings: Settings, content: ContentPack, *, host: str, port: int) -> None:
    """Run until SIGTERM or SIGINT."""
    try:
        async with running_service(settings, content) as service:
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
