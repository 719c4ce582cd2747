"""Web API clients per workspace, and who a Slack user is (admin? which language?)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.access import Actor

# People rarely become admins or change language mid-conversation; asking Slack once per
# few minutes keeps each click fast and well inside the rate limits.
ACTOR_TTL_SECONDS = 300.0
# slack_sdk's own default; each retry gets it afresh.
REQUEST_TIMEOUT_SECONDS = 30


class NotInstalled(Exception):
    """No installation (token) for a workspace."""


def retry_handlers() -> list[AsyncRetryHandler]:
    """Retry 429 (honouring Retry-After), 5xx and dropped connections."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=2),
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
    ]


@dataclass(frozen=True)
class _Cached:
    actor: Actor
    expires: float


class SlackClients:
    """One configured client per token; the token from the settings or the installation."""

    def __init__(
        self,
        *,
        base_url: str,
        bot_token: str | None,
        installation_store: AsyncInstallationStore | None,
        trace: aiohttp.TraceConfig | None = None,
    ) -> None:
        self.base_url = base_url
        self._trace = trace
        self._session: aiohttp.ClientSession | None = None
        self._bot_token = bot_token
        self._installations = installation_store
        self._clients: dict[str, AsyncWebClient] = {}
        self._bot_users: dict[str, str] = {}
        self._actors: dict[tuple[str, str], _Cached] = {}

    @property
    def single_token(self) -> str | None:
        """The bot token of single-workspace mode."""
        return self._bot_token

    def client(self, token: str | None = None) -> AsyncWebClient:
        """A client for `token` (without one: for calls that need none, like OAuth)."""
        key = token or ""
        if key not in self._clients:
            self._clients[key] = AsyncWebClient(
                token=token,
                base_url=self.base_url,
                retry_handlers=retry_handlers(),
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
        return actor

    async def _token(self, workspace_id: str) -> str:
        if self._bot_token:
            return self._bot_token
        if self._installations is None:
            raise NotInstalled(workspace_id)
        bot = await self._installations.async_find_bot(enterprise_id=None, team_id=workspace_id)
        if bot is None or not bot.bot_token:
            raise NotInstalled(workspace_id)
        return bot.bot_token
