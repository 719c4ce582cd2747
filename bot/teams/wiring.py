"""Teams, assembled from the settings: the adapter, the bot, its route and the gateway."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from aiohttp import web

from bot.commands.handler import CommandHandler
from bot.metrics import Metrics
from bot.settings import Settings
from bot.teams.adapter import cloud_adapter
from bot.teams.addresses import Addresses
from bot.teams.bot import TeamsBot
from bot.teams.chat import TeamsChat
from bot.teams.connector import Connector
from bot.teams.routes import teams_routes
from bot.teams.sending import Sender
from content.schema import ContentPack
from surveys.announcements import PulseStatus
from surveys.errors import TryghedError
from surveys.ports import UnitOfWorkFactory
from surveys.service import PulseService

PREFIX = "@Tryghed"
# How Teams people add the bot to a channel differs from Slack's /invite.
ERROR_KEYS = {"error-not-in-channel": "error-not-in-channel-teams"}


@dataclass(frozen=True)
class TeamsParts:
    """What the service needs from Teams."""

    routes: list[web.RouteDef]
    chat: TeamsChat
    stop: Callable[[], Awaitable[None]]


async def teams_parts(
    settings: Settings,
    service: PulseService,
    content: ContentPack,
    unit_of_work: UnitOfWorkFactory,
    metrics: Metrics,
) -> TeamsParts:
    """Teams as configured; refuses (SettingsError) a configuration that would skip auth."""
    adapter = await cloud_adapter(settings)
    addresses = Addresses(unit_of_work)
    connector = Connector(adapter, Sender(observe=partial(metrics.chat_call, "teams")))

    async def current(round_id: str) -> PulseStatus | None:
        try:
            return await service.status(round_id)
        except TryghedError:
            return None

    chat = TeamsChat(
        connector,
        addresses,
        content,
        update_delay=settings.teams_count_delay,
        current=current,
    )
    handler = CommandHandler(
        service,
        content,
        platform="teams",
        prefix=PREFIX,
        default_min_respondents=settings.min_respondents,
        error_keys=ERROR_KEYS,
    )
    bot = TeamsBot(handler=handler, chat=chat, connector=connector, addresses=addresses)

    async def stop() -> None:
        await bot.drain()
        await chat.close()

    return TeamsParts(routes=teams_routes(adapter, bot), chat=chat, stop=stop)
