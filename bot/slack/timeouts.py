"""Slack calls that timed out: tried again when doing so cannot post anything twice.

A call that ran out of time may still have reached Slack. Reading (members, users, the bot's
own id) and replacing (an update of a message, the App Home) can simply be done again; a new
message cannot, since chat.postMessage has no idempotency key: trying it again could post
a pulse or a reminder twice. Those fail instead, and the failure shows in the metrics
(`tryghed_chat_api_calls_total{status="timeout"}`) and the log.
"""

from __future__ import annotations

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

# Methods whose second call leaves Slack as the first one did.
REPEATABLE = frozenset(
    {
        "auth.test",
        "conversations.info",
        "conversations.members",
        "users.info",
        "users.list",
        "chat.update",
        "views.publish",
    }
)


class RepeatableTimeouts(AsyncRetryHandler):
    """Retries a call that timed out, with backoff, if calling again changes nothing."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return isinstance(error, TimeoutError) and method_of(request.url) in REPEATABLE


def method_of(url: str) -> str:
    """The Web API method a request URL calls (`…/api/chat.update?…` → `chat.update`)."""
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
