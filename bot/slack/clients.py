"""Web API clients per workspace, and who a Slack user is (admin? which language?)."""

from __future__ import annotations

import asyncio
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.commands.access import Actor
from bot.slack.pacing import Pacer
from bot.slack.timeouts import RepeatableTimeouts

# People rarely become admins or change language mid-conversation; asking Slack once per
# few minutes keeps each click fast and well inside the rate limits.
ACTOR_TTL_SECONDS = 300.0
# People remembered at most: the most recent askers (the others are asked Slack again).
ACTORS_KEPT = 10_000
# Each post looked its workspace's token up in the installation store (a query); a fan-out of
# a thousand teams asked two thousand times for ten tokens. An uninstall switches the teams
# off, so a token kept this long after its revocation is not used to post.
TOKEN_TTL_SECONDS = 60.0
# slack_sdk's own default; each retry gets it afresh.
REQUEST_TIMEOUT_SECONDS = 30


class NotInstalled(Exception):
    """No installation (token) for a workspace."""


# A fan-out shares a workspace's posting limit among many teams: a post may be throttled more
# than once before its turn comes, and a post given up on is never tried again.
RATE_LIMIT_RETRIES = 5
# Spreads the throttled posts of one burst a little, without wasting the window Slack names.
RETRY_JITTER_SECONDS = 0.1


Sleep = Callable[[float], Awaitable[None]]


def retry_handlers(sleep: Sleep = asyncio.sleep) -> list[AsyncRetryHandler]:
    """Retry 429 (honouring Retry-After), 5xx, dropped connections and the timeouts of calls
    that can be repeated safely (bot/slack/timeouts.py), waiting through `sleep`."""
    return [
        RetryAfter(max_retry_count=RATE_LIMIT_RETRIES, sleep=sleep),
        WaitedRetry(AsyncServerErrorRetryHandler(max_retry_count=2), sleep),
        WaitedRetry(AsyncConnectionErrorRetryHandler(max_retry_count=2), sleep),
        WaitedRetry(RepeatableTimeouts(max_retry_count=2), sleep),
    ]


class WaitedRetry(AsyncRetryHandler):
    """Another handler's choice of what to retry, with its wait taken through `sleep`
    (slack_sdk's handlers call asyncio.sleep themselves; tests wait no real seconds)."""

    def __init__(self, inner: AsyncRetryHandler, sleep: Sleep) -> None:
        super().__init__(inner.max_retry_count, inner.interval_calculator)
        self._inner = inner
        self._sleep = sleep

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return bool(
            await self._inner._can_retry_async(
                state=state, request=request, response=response, error=error
            )
        )

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        """Wait, then go again."""
        seconds = self._seconds(state, response, error)
        state.next_attempt_requested = True
        await self._sleep(seconds)
        state.increment_current_attempt()

    def _seconds(
        self, state: RetryState, response: HttpResponse | None, error: Exception | None
    ) -> float:
        """The inner handler's backoff."""
        return float(self.interval_calculator.calculate_sleep_duration(state.current_attempt))


class RetryAfter(WaitedRetry):
    """A 429 is tried again after the `Retry-After` Slack names, and little more.

    slack_sdk's own handler adds up to a whole second at random to every wait: with Slack's
    usual `Retry-After: 1` that is up to twice the wait, for every throttled post of a
    workspace whose teams are all due in the same minute (bench/p2_fanout.py)."""

    def __init__(self, *, max_retry_count: int, sleep: Sleep = asyncio.sleep) -> None:
        super().__init__(AsyncRateLimitErrorRetryHandler(max_retry_count=max_retry_count), sleep)

    def _seconds(
        self, state: RetryState, response: HttpResponse | None, error: Exception | None
    ) -> float:
        """`Retry-After` (1 s when missing or unreadable) and a little jitter."""
        if response is None:  # pragma: no cover - only called for a 429 response
            raise error or RuntimeError("no response to retry")
        values = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), None)
        try:
            seconds = max(float(values[0]), 0.0) if values else 1.0
        except ValueError:
            seconds = 1.0
        return seconds + random.uniform(0, RETRY_JITTER_SECONDS)  # noqa: S311


class PacedClient(AsyncWebClient):
    """A Web API client whose every call first waits its turn under Slack's limits
    (bot/slack/pacing.py); its retries (a 429 among them) keep the turn they were given."""

    def __init__(self, *, pacer: Pacer, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pacer = pacer

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        """Call `api_method` once its workspace (the token) and channel may be called."""
        async with self._pacer.turn(self.token or "", api_method, _channel_of(kwargs)):
            return await super().api_call(api_method, **kwargs)


def _channel_of(call: dict[str, Any]) -> str | None:
    # slack_sdk sends a post's arguments as JSON, others as form data or query parameters.
    for part in ("json", "data", "params"):
        arguments = call.get(part)
        if isinstance(arguments, dict) and arguments.get("channel"):
            return str(arguments["channel"])
    return None


@dataclass(frozen=True)
class _Cached:
    actor: Actor
    expires: float


class SlackClients:
    """One configured client per token; the token from the settings or the installation.

    Calls through these clients are paced to Slack's limits; bolt's own client per request
    (bot/slack/app.py's listeners: opening a form, the App Home) is not, and relies on the
    429 handling alone."""

    def __init__(
        self,
        *,
        base_url: str,
        bot_token: str | None,
        installation_store: AsyncInstallationStore | None,
        trace: aiohttp.TraceConfig | None = None,
        sleep: Sleep = asyncio.sleep,
        pacer: Pacer | None = None,
    ) -> None:
        """`sleep` waits out retries' backoff (and the pacing, unless `pacer` is given)."""
        self.base_url = base_url
        self._sleep = sleep
        self._pacer = pacer or Pacer(sleep=sleep)
        self._trace = trace
        self._session: aiohttp.ClientSession | None = None
        self._bot_token = bot_token
        self._installations = installation_store
        self._clients: dict[str, AsyncWebClient] = {}
        self._bot_users: dict[str, str] = {}
        self._actors: OrderedDict[tuple[str, str], _Cached] = OrderedDict()
        self._tokens: dict[str, tuple[str, float]] = {}
        self._token_lookups: dict[str, asyncio.Future[str]] = {}

    @property
    def single_token(self) -> str | None:
        """The bot token of single-workspace mode."""
        return self._bot_token

    def client(self, token: str | None = None) -> AsyncWebClient:
        """A client for `token` (without one: for calls that need none, like OAuth)."""
        key = token or ""
        if key not in self._clients:
            self._clients[key] = PacedClient(
                pacer=self._pacer,
                token=token,
                base_url=self.base_url,
                retry_handlers=retry_handlers(self._sleep),
                session=self._shared_session(),
            )
        return self._clients[key]

    def _shared_session(self) -> aiohttp.ClientSession:
        # One session for every workspace: connections are reused (slack_sdk would otherwise
        # open a session per call), and the trace counts every attempt, retries included.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS),
                trace_configs=[self._trace] if self._trace else None,
            )
        return self._session

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()

    async def for_workspace(self, workspace_id: str) -> AsyncWebClient:
        """The bot's client in a workspace."""
        return self.client(await self._token(workspace_id))

    async def bot_user_id(self, workspace_id: str) -> str:
        """The bot's own user id in a workspace (it is never counted as a member)."""
        if workspace_id not in self._bot_users:
            answer = await (await self.for_workspace(workspace_id)).auth_test()
            self._bot_users[workspace_id] = str(answer.get("user_id", ""))
        return self._bot_users[workspace_id]

    def known_actor(self, workspace_id: str, user_id: str) -> Actor:
        """The person as far as known without asking Slack (no role, the default language
        unless asked lately): enough where neither decides anything."""
        cached = self._actors.get((workspace_id, user_id))
        if cached is not None and cached.expires > time.monotonic():
            return cached.actor
        return Actor(user_id=user_id)

    async def actor(self, workspace_id: str, user_id: str) -> Actor:
        """The person behind a request: admin or owner, and their language."""
        key = (workspace_id, user_id)
        cached = self._actors.get(key)
        if cached is not None and cached.expires > time.monotonic():
            return cached.actor
        client = await self.for_workspace(workspace_id)
        answer = await client.users_info(user=user_id, include_locale=True)
        user: dict[str, Any] = answer.get("user") or {}
        actor = Actor(
            user_id=user_id,
            is_admin=bool(
                user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
            ),
            language="da" if str(user.get("locale", "")).startswith("da") else "en",
        )
        self._actors[key] = _Cached(actor, time.monotonic() + ACTOR_TTL_SECONDS)
        self._actors.move_to_end(key)
        while len(self._actors) > ACTORS_KEPT:
            self._actors.popitem(last=False)
        return actor

    async def _token(self, workspace_id: str) -> str:
        if self._bot_token:
            return self._bot_token
        if self._installations is None:
            raise NotInstalled(workspace_id)
        cached = self._tokens.get(workspace_id)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        # Asked once for all who ask meanwhile: a fan-out opens hundreds of a workspace's
        # teams at the same moment, each wanting the token.
        lookup = self._token_lookups.get(workspace_id)
        if lookup is None:
            lookup = asyncio.ensure_future(self._stored_token(workspace_id))
            self._token_lookups[workspace_id] = lookup
            lookup.add_done_callback(lambda _: self._token_lookups.pop(workspace_id, None))
        # Shielded: one asker giving up must not cancel the lookup the others wait for.
        return await asyncio.shield(lookup)

    async def _stored_token(self, workspace_id: str) -> str:
        assert self._installations is not None
        bot = await self._installations.async_find_bot(enterprise_id=None, team_id=workspace_id)
        if bot is None or not bot.bot_token:
            raise NotInstalled(workspace_id)
        self._tokens[workspace_id] = (bot.bot_token, time.monotonic() + TOKEN_TTL_SECONDS)
        return bot.bot_token
