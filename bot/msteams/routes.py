"""POST /api/messages, routed by us: botbuilder 4.17's own `process()` breaks invoke replies."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from azure.core.exceptions import DeserializationError
from botbuilder.schema import Activity

from bot.failures import failure
from bot.msteams.adapter import Adapter
from bot.msteams.addresses import tenant_of
from bot.msteams.bot import TeamsBot

log = logging.getLogger(__name__)

MESSAGES_PATH = "/api/messages"


def well_formed(activity: Activity) -> bool:
    """The parts of an activity every handler relies on are there and have their types."""
    conversation, recipient = activity.conversation, activity.recipient
    sender = activity.from_property
    return (
        isinstance(activity.type, str)
        and bool(activity.type)
        and isinstance(activity.service_url, str)
        and activity.service_url.startswith(("https://", "http://"))
        and isinstance(getattr(conversation, "id", None), str)
        and isinstance(getattr(recipient, "id", None), str)
        and (sender is None or isinstance(getattr(sender, "id", None), str))
        and (activity.channel_data is None or isinstance(activity.channel_data, dict))
        and bool(tenant_of(activity))  # Teams names the tenant in every activity
    )


def teams_routes(adapter: Adapter, bot: TeamsBot) -> list[web.RouteDef]:
    """The Bot Framework endpoint."""

    async def messages(request: web.Request) -> web.Response:
        # Refusals are logged by kind only: activities carry user ids and answers.
        if "application/json" not in request.headers.get("Content-Type", ""):
            log.info("a Teams request that is not JSON was refused (415)")
            return web.Response(status=415)
        try:
            body: Any = await request.json()
            activity = Activity().deserialize(body) if isinstance(body, dict) else None
        except Exception:  # not JSON, or not an activity (msrest raises its own errors)
            activity = None
        if activity is None or not well_formed(activity):
            log.info("a Teams request that is no well-formed activity was refused (400)")
            return web.Response(status=400)
        try:
            authenticated = await adapter.authentication.authenticate_request(
                activity, request.headers.get("Authorization", "")
            )
        except Exception as error:  # a missing, malformed, forged or expired token
            log.warning("a Teams request was refused: %s", failure(error))
            return web.Response(status=401)
        try:
            invoke = await adapter.adapter.process_activity(authenticated, activity, bot.on_turn)
        except DeserializationError:
            # Parts botbuilder reads lazily (Teams channel data) did not have their shape.
            log.info("a Teams activity with malformed channel data was refused (400)")
            return web.Response(status=400)
        except Exception as error:
            # Never the activity: it carries user ids and, for forms, answers.
            log.error("a Teams request failed: %s", failure(error))
            return web.Response(status=500)
        if invoke is None:
            return web.Response(status=201)
        # The body is plain JSON already; botbuilder's `process()` would serialize it twice.
        if invoke.body is None:
            return web.Response(status=int(invoke.status))
        return web.json_response(invoke.body, status=int(invoke.status))

    return [web.post(MESSAGES_PATH, messages)]
