"""Teams, assembled from the settings: the adapter, the bot, its route and the gateway."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from aiohttp import web

from app.metrics import Metrics
from app.settings import TEAMS_APP_TYPES, Settings, SettingsError
from bot.chart.pictures import ChartCache
from bot.commands.handler import CommandHandler
from bot.msteams.adapter import AdapterRefused, BotConfig, cloud_adapter
from bot.msteams.addresses import Addresses
from bot.msteams.bot import TeamsBot
from bot.msteams.chat import TeamsChat
from bot.msteams.connector import Connector
from bot.msteams.routes import teams_routes
from bot.msteams.sending import Sender, Sleep
from bot.pulse_updates import PulseUpdates, current_status
from content.schema import ContentPack
from surveys.ports import ChatGateway, UnitOfWorkFactory
from surveys.service import PulseService

PREFIX = "@Tryghed"
# How Teams people add the bot to a channel differs from Slack's /invite.
ERROR_KEYS = {"error-not-in-channel": "error-not-in-channel-teams"}


def bot_config(settings: Settings) -> BotConfig:
    """Our settings in botbuilder's names; the insecure local mode has an empty app id."""
    if settings.teams_insecure_no_auth:
        # MultiTenant is the only type botbuilder lets run without an app id.
        return BotConfig(app_id="", password="", app_type="MultiTenant", tenant_id="")
    password = settings.microsoft_app_password
    return BotConfig(
        app_id=settings.microsoft_app_id or "",
        password=password.get_secret_value() if password else "",
        app_type=TEAMS_APP_TYPES.get(settings.microsoft_app_type.strip().lower(), "SingleTenant"),
        tenant_id=settings.microsoft_app_tenant_id or "",
    )


@dataclass(frozen=True)
class TeamsParts:
    """What the service needs from Teams."""

    routes: list[web.RouteDef]
    chat: ChatGateway
    stop: Callable[[], Awaitable[None]]


async def teams_parts(
    settings: Settings,
    service: PulseService,
    content: ContentPack,
    unit_of_work: UnitOfWorkFactory,
    metrics: Metrics,
    *,
    retry_sleep: Sleep = asyncio.sleep,
) -> TeamsParts:
    """Teams as configured; refuses (SettingsError) a configuration that would skip auth."""
    settings.check_teams()
    try:
        adapter = await cloud_adapter(
            bot_config(settings), insecure_no_auth=settings.teams_insecure_no_auth
        )
    except AdapterRefused as refused:
        raise SettingsError(str(refused)) from None
    addresses = Addresses(unit_of_work)
    connector = Connector(
        adapter, Sender(sleep=retry_sleep, observe=partial(metrics.chat_call, "teams"))
    )
    # One cache of pictures for the summaries and the private trends.
    charts = ChartCache(content)
    chat = TeamsChat(connector, addresses, content, charts=charts)
    updates = PulseUpdates(chat, delay=settings.teams_count_delay, current=current_status(service))
    handler = CommandHandler(
        service,
        content,
        platform="teams",
        prefix=PREFIX,
        default_min_respondents=settings.min_respondents,
        error_keys=ERROR_KEYS,
        charts=charts,
    )
    bot = TeamsBot(handler=handler, chat=chat, connector=connector, addresses=addresses)

    async def stop() -> None:
        await bot.drain()
        await updates.close()
        await chat.close()
        await adapter.authentication.close()

    return TeamsParts(routes=teams_routes(adapter, bot), chat=updates, stop=stop)
