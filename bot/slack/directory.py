"""Who in a Slack workspace is not a person (bots, apps, Slackbot, deactivated accounts).

conversations.members lists every member of a channel, bots included, and asking users.info
about each would be one call per member (two thousand for a big channel). users.list tells
all of it for the whole workspace in a few pages; it is kept for an hour, so a round's open,
reminder and close ask at most once. A bot added since then counts as a person until the
next refresh: its reminder is refused by Slack, and nobody's anonymity depends on it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.failures import failure
from bot.slack.clients import SlackClients

log = logging.getLogger(__name__)

PAGE = 1000
KEEP_SECONDS = 3600.0
RETRY_SECONDS = 300.0
SLACKBOT = "USLACKBOT"


@dataclass(frozen=True)
class _Known:
    ids: frozenset[str]
    until: float


class Directory:
    """The ids that are not people, per workspace, from users.list (paged, cached)."""

    def __init__(self, clients: SlackClients) -> None:
        self._clients = clients
        self._known: dict[str, _Known] = {}
        self._reading: dict[str, asyncio.Lock] = {}

    async def not_people(self, workspace_id: str) -> frozenset[str]:
        """Bots, apps, Slackbot and deactivated accounts of the workspace."""
        # One reader per workspace: a hundred teams opening their rounds in the same minute
        # wait for one users.list (a method Slack allows some twenty times a minute).
        async with self._reading.setdefault(workspace_id, asyncio.Lock()):
            known = self._known.get(workspace_id)
            if known is not None and known.until > time.monotonic():
                return known.ids
            try:
                ids, keep = await self._read(workspace_id), KEEP_SECONDS
            except SlackApiError as error:
                # An installation without users:read, or Slack unwell: only the bot itself is
                # left out (the caller knows it) until the next try.
                log.warning("could not list a workspace's bots: %s", failure(error))
                ids, keep = frozenset({SLACKBOT}), RETRY_SECONDS
            self._known[workspace_id] = _Known(ids, time.monotonic() + keep)
            return ids

    async def _read(self, workspace_id: str) -> frozenset[str]:
        client = await self._clients.for_workspace(workspace_id)
        ids: set[str] = {SLACKBOT}
        cursor: str | None = None
        while True:
            page = await client.users_list(limit=PAGE, cursor=cursor)
            ids.update(str(user["id"]) for user in page.get("members") or [] if _not_a_person(user))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return frozenset(ids)


def _not_a_person(user: Any) -> bool:
    return isinstance(user, dict) and bool(
        user.get("is_bot") or user.get("is_app_user") or user.get("deleted")
    )
