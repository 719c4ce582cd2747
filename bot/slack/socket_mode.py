"""Socket Mode: Slack's events over a websocket the app opens, for hosts without public https."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncApp

log = logging.getLogger(__name__)


async def socket_mode(app: AsyncApp, app_token: str) -> Callable[[], Awaitable[None]]:
    """Connects `app` over Socket Mode; returns the call that closes the connection."""
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    socket = AsyncSocketModeHandler(app, app_token)
    await socket.connect_async()  # type: ignore[no-untyped-call]
    log.info("Slack Socket Mode is connected (SLACK_APP_TOKEN is set)")
    return socket.close_async
