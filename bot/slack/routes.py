"""The Slack routes of the aiohttp app: events and interactivity, and the OAuth pages."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.slack.app import INSTALL_PATH
from bot.slack.manifest import EVENTS_PATH, OAUTH_REDIRECT_PATH


def slack_routes(app: AsyncApp) -> list[web.RouteDef]:
    """POST /slack/events always; the install and redirect pages in multi-workspace mode."""

    async def events(request: web.Request) -> web.Response:
        # bolt verifies the signature (401 when it is wrong or stale) before any listener runs.
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    routes = [web.post(EVENTS_PATH, events)]
    flow = app.oauth_flow
    if flow is not None:

        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await flow.handle_installation(await to_bolt_request(request))
            )

        async def redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await flow.handle_callback(await to_bolt_request(request))
            )

        routes += [web.get(INSTALL_PATH, install), web.get(OAUTH_REDIRECT_PATH, redirect)]
    return routes
