"""The composition root: settings, storage, the domain, the platforms and the web app, wired."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from aiohttp import web

from app.logs import ACCESS_LOGGER, AccessLog
from app.metrics import Metrics
from app.settings import Settings, SettingsError
from app.web import Readiness, web_app
from app.wiring.msteams import teams_parts
from app.wiring.sandbox import OffsetClock, sandbox_parts, sandbox_url
from app.wiring.slack import Stop, slack_parts
from bot.chats import Chats
from bot.sandbox.chat import SandboxChat
from bot.sandbox.people import Roster
from content.schema import ContentPack
from scheduler.acts import Acts, Rules
from scheduler.retention import Retention
from scheduler.timers import PulseScheduler
from storage.engine import create_engine, database_url
from storage.migrate import DatabaseUnavailable, is_current, upgrade
from storage.secret_key import SecretKeyError, secret_key_for
from storage.server_settings import risky_log_settings
from storage.unit_of_work import SqlStorage
from surveys.ports import Clock
from surveys.schedule import QuietHours
from surveys.service import PulseService

log = logging.getLogger(__name__)

# Requests still running at SIGTERM get this long (Slack gives up after 3 s anyway); it is
# well inside the grace period container runtimes allow (docker-compose.yml sets 30 s).
SHUTDOWN_SECONDS = 10.0
READINESS_SECONDS = 3.0
NO_PLATFORM = (
    "neither Slack nor Teams is on, so only /healthz, /readyz and /metrics are served: set "
    "SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (docs/slack.md), or MICROSOFT_APP_ID, "
    "MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID (docs/teams.md)"
)
SANDBOX_ON = (
    "the sandbox channel is on: open %s in a browser (pretend colleagues, no Slack or Teams "
    "account; not for real answers; docs/sandbox.md)"
)
STATEMENT_LOGGING = (
    "PostgreSQL writes this database's statements into its server log, where the answers of "
    "open rounds and who gave them can be read; turn it off for this database, then restart "
    "Tryghed (docs/privacy.md): %s"
)


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
    metrics: Metrics
    start_socket_mode: Callable[[], Awaitable[Stop]] | None
    sandbox: bool = False
    sandbox_channel: SandboxChat | None = None  # its messages, as a browser is shown them


@asynccontextmanager
async def running_service(
    settings: Settings,
    content: ContentPack,
    *,
    platforms: bool = True,
    schedule: bool = True,
    migrate: bool = True,
    clock: Clock | None = None,
    retry_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    sandbox: bool = False,
    sandbox_people: Roster | None = None,
    host: str = "127.0.0.1",
) -> AsyncIterator[Service]:
    """Migrate, wire and yield the service; afterwards let work in flight finish, stop the
    timers and close the pool.

    `platforms=False` leaves out the platforms' routes (health, readiness, metrics stay);
    `schedule=False` runs no timers (another replica does); `migrate=False` leaves the
    schema to `tryghed db upgrade` and refuses to start on a schema that is not current;
    `clock` is the system's unless a test moves time; `retry_sleep` waits out the chat APIs'
    Retry-After and backoff (a test records the waits instead); `sandbox` adds the sandbox
    channel (served to browsers that reach `host`, its channel holding `sandbox_people`, by
    default you and six pretend colleagues), whose page may move the clock unless a real
    platform is on too."""
    real_platform = settings.slack_enabled or settings.teams_enabled
    movable = OffsetClock(clock or SystemClock()) if sandbox and not real_platform else None
    clock = movable or clock or SystemClock()
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
    stops: list[Stop] = []
    metrics = Metrics()
    storage = SqlStorage(engine, on_scrub=metrics.scrub)
    try:
        await (upgrade(engine) if migrate else _check_schema(engine))
        await storage.scrubber.at_start()
        if risky := await risky_log_settings(engine):
            log.warning(STATEMENT_LOGGING, "; ".join(map(str, risky)))
        routes: list[web.RouteDef] = []
        chats = Chats(failed=metrics.chat_failure)
        service = PulseService(
            unit_of_work=storage,
            clock=clock,
            chat=chats,
            content=content,
            secret_key=secret,
            answer_writers=storage.writers,
        )
        service.subscribe(metrics.heard)
        socket_mode = None
        if settings.slack_enabled:
            slack = slack_parts(
                settings,
                service,
                content,
                engine=engine,
                metrics=metrics,
                retry_sleep=retry_sleep,
            )
            stops.append(slack.stop)
            chats.add("slack", slack.chat)
            if platforms:
                routes.extend(slack.routes)
                socket_mode = slack.start_socket_mode
        if settings.teams_enabled:
            teams = await teams_parts(
                settings, service, content, storage, metrics, retry_sleep=retry_sleep
            )
            stops.append(teams.stop)
            chats.add("teams", teams.chat)
            if platforms:
                routes.extend(teams.routes)
        acts = _acts(settings, service, storage, metrics, clock)

        async def due() -> object:
            # What the timers would do at this moment, through their own code.
            return await (timers.sync() if timers is not None else acts.catch_up())

        sandbox_channel = None
        if sandbox:
            parts = await sandbox_parts(
                settings,
                service,
                content,
                clock=clock,
                movable=movable,
                due=due,
                host=host,
                people=sandbox_people,
            )
            chats.add("sandbox", parts.chat)
            sandbox_channel = parts.channel
            routes.extend(parts.routes if platforms else [])
        elif not real_platform:
            log.warning(NO_PLATFORM)
        if schedule:
            timers = _scheduler(settings, acts, storage, metrics, clock)
            await timers.start()
            service.subscribe(timers.heard)

        yield Service(
            app=web_app(
                routes, readiness=_readiness(partial(is_current, engine), timers), metrics=metrics
            ),
            pulse=service,
            metrics=metrics,
            start_socket_mode=socket_mode,
            sandbox=sandbox and platforms,
            sandbox_channel=sandbox_channel,
        )
    finally:
        # The timers stop first (waiting for an act in flight, which still needs the chat
        # clients), then listeners still running after their HTTP answer finish their writes
        # and the platforms close their clients; only then does the pool close.
        if timers is not None:
            await timers.stop()
        for stop in stops:
            await stop()
        await storage.scrubber.stop()
        await engine.dispose()


async def _check_schema(engine: Any) -> None:
    # Code and schema out of step would fail at the first query, mid-request or mid-act.
    if not await is_current(engine):
        raise SettingsError(
            "TRYGHED_DATABASE_URL: the database schema is not current for this version: run "
            "`tryghed db upgrade` first, or start without --no-migrate"
        )


def _readiness(
    schema_current: Callable[[], Awaitable[bool]], timers: PulseScheduler | None
) -> Readiness:
    async def readiness() -> dict[str, bool]:
        checks = {} if timers is None else {"scheduler": timers.running}
        try:
            # A database that is gone can take a minute to refuse; a probe must answer now.
            async with asyncio.timeout(READINESS_SECONDS):
                current = await schema_current()
        except Exception:
            return {"database": False, "migrations": False, **checks}
        return {"database": True, "migrations": current, **checks}

    return readiness


def _acts(
    settings: Settings, service: PulseService, storage: SqlStorage, metrics: Metrics, clock: Clock
) -> Acts:
    rules = Rules(
        grace=timedelta(minutes=settings.grace_minutes),
        barometer_months=settings.barometer_months,
        quiet=QuietHours(enabled=settings.quiet_hours),
    )
    return Acts(
        service=service,
        unit_of_work=storage,
        clock=clock,
        rules=rules,
        observe=metrics.act,
        writers=storage.writers,
    )


def _scheduler(
    settings: Settings, acts: Acts, storage: SqlStorage, metrics: Metrics, clock: Clock
) -> PulseScheduler:
    return PulseScheduler(
        acts,
        unit_of_work=storage,
        clock=clock,
        sync_every=timedelta(seconds=settings.sync_seconds),
        retention=Retention(unit_of_work=storage, clock=clock, months=settings.retention_months),
        overdue=metrics.rounds_overdue,
    )


async def serve(
    settings: Settings,
    content: ContentPack,
    *,
    host: str,
    port: int,
    platforms: bool = True,
    schedule: bool = True,
    migrate: bool = True,
) -> None:
    """Run until SIGTERM or SIGINT; then stop listening, let requests in flight finish, and
    stop the rest (see `running_service`)."""
    try:
        async with running_service(
            settings,
            content,
            platforms=platforms,
            schedule=schedule,
            migrate=migrate,
            sandbox=settings.sandbox_on(host),
            host=host,
        ) as service:
            runner = web.AppRunner(
                service.app,
                access_log_class=AccessLog,
                access_log=logging.getLogger(ACCESS_LOGGER),
                shutdown_timeout=SHUTDOWN_SECONDS,
            )
            await runner.setup()
            settle_heap()
            site = web.TCPSite(runner, host, port)
            await site.start()
            log.info("Tryghed is listening on http://%s:%d", host, port)
            if service.sandbox:
                log.info(SANDBOX_ON, sandbox_url(settings, host, port))
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


def settle_heap() -> None:
    """Move everything made while starting (modules, the app, the content pack) out of the
    garbage collector's sight: a full collection then walks only what requests made, not the
    several hundred thousand start-up objects (pauses of 50-100 ms, bench/p3_trend.py)."""
    gc.collect()
    gc.freeze()


async def _until_stopped() -> None:
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stopped.set)
    await stopped.wait()
