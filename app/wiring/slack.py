"""Slack, assembled from the settings: the bolt app, its routes, the gateway, Socket Mode."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from aiohttp import web

from app.metrics import Metrics
from app.settings import Settings
from bot.chart.pictures import ChartCache
from bot.commands.handler import CommandHandler
from bot.pulse_updates import PulseUpdates, current_status
from bot.slack.answer_forms import AnswerForms
from bot.slack.app import SlackOAuth, slack_app
from bot.slack.chat import SlackChat
from bot.slack.clients import SlackClients, Sleep
from bot.slack.files import ChartFiles
from bot.slack.installations import installation_stores
from bot.slack.manifest import COMMAND
from bot.slack.pacing import Pacer
from bot.slack.routes import FOLLOW_UP, slack_routes
from bot.slack.socket_mode import socket_mode
from content.schema import ContentPack
from surveys.ports import ChatGateway
from surveys.service import PulseService

log = logging.getLogger(__name__)

Stop = Callable[[], Awaitable[None]]
LISTENERS_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class SlackParts:
    """What the service needs from Slack."""

    routes: list[web.RouteDef]
    chat: ChatGateway
    start_socket_mode: Callable[[], Awaitable[Stop]] | None
    stop: Stop


def slack_parts(
    settings: Settings,
    service: PulseService,
    content: ContentPack,
    *,
    engine: Any,
    metrics: Metrics,
    retry_sleep: Sleep = asyncio.sleep,
) -> SlackParts:
    """Slack as configured: one workspace (bot token) or several (OAuth, stores on `engine`)."""
    signing_secret = settings.slack_signing_secret
    if signing_secret is None:
        raise ValueError("Slack is not enabled")
    oauth = None
    if settings.slack_oauth and settings.slack_client_id and settings.slack_client_secret:
        installations, states = installation_stores(engine, settings.slack_client_id)
        oauth = SlackOAuth(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            public_url=(settings.public_url or "").rstrip("/"),
            installations=installations,
            states=states,
        )
    token = settings.slack_bot_token
    clients = SlackClients(
        base_url=settings.slack_api_url,
        bot_token=token.get_secret_value() if token else None,
        installation_store=oauth.installations if oauth else None,
        trace=metrics.trace("slack"),
        sleep=retry_sleep,
        pacer=Pacer(posts_per_second=settings.slack_workspace_posts_per_second, sleep=retry_sleep),
    )
    # One cache of pictures for the summaries, the private trends and the home pages.
    charts = ChartCache(content)
    files = ChartFiles(clients)
    handler = CommandHandler(
        service,
        content,
        platform="slack",
        prefix=COMMAND,
        default_min_respondents=settings.min_respondents,
        charts=charts,
    )
    answers = AnswerForms(handler=handler, clients=clients, content=content)
    app = slack_app(
        handler=handler,
        clients=clients,
        content=content,
        signing_secret=signing_secret.get_secret_value(),
        oauth=oauth,
        answers=answers,
        files=files,
    )
    app_token = settings.slack_app_token

    async def start_socket_mode() -> Stop:
        assert app_token is not None
        return await socket_mode(app, app_token.get_secret_value())

    chat = PulseUpdates(
        SlackChat(clients, content, charts=charts, files=files),
        delay=settings.slack_count_delay,
        current=current_status(service),
    )
    return SlackParts(
        routes=slack_routes(app, signing_secret=signing_secret.get_secret_value(), answers=answers),
        chat=chat,
        start_socket_mode=start_socket_mode if app_token else None,
        stop=partial(_stop, clients, handler, chat),
    )


async def _stop(clients: SlackClients, handler: CommandHandler, chat: PulseUpdates) -> None:
    await finish_listeners()
    await handler.drain()
    await chat.close()
    await clients.close()


async def finish_listeners(seconds: float = LISTENERS_TIMEOUT_SECONDS) -> None:
    """Wait for bolt's listeners and answers' follow-ups still running after their HTTP
    answer (a command's work goes on after its ack): at shutdown they finish their writes
    before the pool closes."""
    pending = [
        task
        for task in asyncio.all_tasks()
        # bolt keeps no handle on its tasks; this is the coroutine it runs them in.
        if not task.done()
        and (
            task.get_name() == FOLLOW_UP
            or "run_ack_function" in getattr(task.get_coro(), "__qualname__", "")
        )
    ]
    if pending:
        await asyncio.wait(pending, timeout=seconds)
