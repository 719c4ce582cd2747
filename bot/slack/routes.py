"""The Slack routes of the aiohttp app: events and interactivity, and the OAuth pages."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.slack.app import INSTALL_PATH
from bot.slack.manifest import EVENTS_PATH, OAUTH_REDIRECT_PATH
from bot.slack.payloads import payload_problem

log = logging.getLogger(__name__)

SIGNATURE_WINDOW_SECONDS = 5 * 60


def slack_routes(app: AsyncApp, *, signing_secret: str) -> list[web.RouteDef]:
    """POST /slack/events always; the install and redirect pages in multi-workspace mode."""
    secret = signing_secret.encode()

    async def events(request: web.Request) -> web.Response:
        # Checked in this order so that only Slack learns whether a body was malformed: the
        # signature (401), then the payload's shape (400, where bolt would fail with a 500).
        # Refusals are logged by kind only: bodies carry user ids and answers.
        raw = await request.read()
        if not signed_by_slack(
            raw,
            timestamp=request.headers.get("X-Slack-Request-Timestamp", ""),
            signature=request.headers.get("X-Slack-Signature", ""),
            secret=secret,
        ):
            log.info("a Slack request with a missing, wrong or stale signature was refused (401)")
            return web.Response(status=401)
        try:
            body = AsyncBoltRequest(
                body=raw.decode("utf-8"),
                query=request.query_string,
                headers=dict(request.headers),
            )
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            # Not UTF-8, not JSON, or a JSON value bolt cannot take apart.
            log.info("a signed Slack request bolt cannot read was refused (400)")
            return web.Response(status=400)
        problem = payload_problem(body.body)
        if problem is not None:
            log.info("a signed Slack request was refused (400): %s", problem)
            return web.Response(status=400)
        return await to_aiohttp_response(await app.async_dispatch(body))

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


def signed_by_slack(raw: bytes, *, timestamp: str, signature: str, secret: bytes) -> bool:
    """Slack's signature: HMAC-SHA256 of `v0:{timestamp}:{raw body}`, sent within 5 minutes.
    Over the raw bytes, so that a body that is not even UTF-8 is refused, not a crash."""
    if not (timestamp.isascii() and timestamp.isdigit()):
        return False
    if abs(time.time() - int(timestamp)) > SIGNATURE_WINDOW_SECONDS:
        return False
    expected = hmac.new(secret, b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256)
    return hmac.compare_digest(
        f"v0={expected.hexdigest()}".encode(), signature.encode("utf-8", "replace")
    )
