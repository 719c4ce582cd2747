"""Scheduled acts side by side: a few at a time per workspace, and a cap over all of them.

A thousand teams due in the same minute must not wait for each other one by one (each act
waits on the chat platform twice), yet one workspace must not be flooded either: its posting
limit is shared by all its teams, and a burst far past it only earns rate-limit answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from surveys.team import Team

T = TypeVar("T")

# Slack's client paces each workspace's posts to its cap (bot/slack/pacing.py, 20 a second by
# default), and an act waiting for its turn there holds its lane: a workspace uses its cap
# whole only with as many acts under way as it may post in a second. Teams allows about 50
# requests a second per tenant. The total bounds the acts under way at once (each holds a
# database connection only inside its transactions, and the pool bounds those); with 40, a
# fan-out over ten workspaces spent most of its lanes waiting for Slack's next second.
PER_WORKSPACE = 20
TOTAL = 200


def workspace_of(team: Team) -> str:
    """The lane key of a team: its platform's workspace (Slack) or tenant (Teams)."""
    return f"{team.channel.platform}:{team.channel.workspace_id}"


class Lanes:
    """Runs acts keyed by workspace, at most `per_workspace` of one key and `total` at once."""

    def __init__(self, *, per_workspace: int = PER_WORKSPACE, total: int = TOTAL) -> None:
        self._per_workspace = per_workspace
        self._workspaces: dict[str, asyncio.Semaphore] = {}
        self._total = asyncio.Semaphore(total)
        self._closed = False

    async def run(self, workspace: str, act: Callable[[], Awaitable[T]]) -> T | None:
        """`act()` once a lane is free; None, without running it, once the lanes are closed."""
        lane = self._workspaces.setdefault(workspace, asyncio.Semaphore(self._per_workspace))
        # Always the workspace first, then the total: one order, so no two acts wait on
        # each other's lanes.
        async with lane, self._total:
            if self._closed:
                return None
            return await act()

    def close(self) -> None:
        """Run nothing more: acts still waiting for a lane are dropped (the claims table means
        whatever is still due is found again at the next start)."""
        self._closed = True
