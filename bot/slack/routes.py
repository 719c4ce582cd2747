"""The Slack routes of the aiohttp app: events and interactivity, and the OAuth pages."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.failures import failure
from bot.slack.answer_forms import AnswerForms
from bot.slack.app import INSTALL_PATH
from bot.slack.manifest import EVENTS_PATH, OAUTH_REDIRECT_PATH
from bot.slack.payloads import form_payload, payload_problem

log = logging.getLogger(__name__)

SIGNATURE_WINDOW_SECONDS = 5 * 60
# The name of the tasks that carry on after an answer's acknowledgement (finish_listeners).
FOLLOW_UP = "slack-follow-up"


def slack_routes(
    app: AsyncApp, *, signing_secret: str, answers: AnswerForms | None = None
) -> list[web.RouteDef]:
    """POST /slack/events always; the install and redirect pages in multi-workspace mode.
    With `answers`, answer forms are served here rather than through bolt's dispatch."""
    secret = signing_secret.encode()
    following: set[asyncio.Task[None]] = set()

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
            text = raw.decode("utf-8")
            body = AsyncBoltRequest(
                # An interaction's payload goes in decoded (bolt would decode it again, slowly).
                body=form_payload(raw) or text,
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
        if answers is not None and answers.carries(body.body):
            return await _answered(answers, body.body, following)
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


async def _answered(
    answers: AnswerForms, body: Mapping[str, Any], following: set[asyncio.Task[None]]
) -> web.Response:
    """An answer form counted, and its thank-you sent as the acknowledgement; what is to
    follow it (the pulse message's count) starts as that goes out."""
    try:
        view, reply = await answers.submit(body)
    except Exception as error:  # as bolt's error handler would: logged without the body
        log.error("a Slack request failed: %s", failure(error))
        return web.Response(status=500)
    if reply.after is not None:
        task = asyncio.create_task(_run(reply.after), name=FOLLOW_UP)
        following.add(task)
        task.add_done_callback(following.discard)
    return web.json_response({"response_action": "update", "view": view})


async def _run(work: Callable[[], Awaitable[None]]) -> None:
    await work()


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
