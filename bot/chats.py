"""One ChatGateway over several platforms: each team is served by its own platform's gateway."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

from content.schema import Hack
from surveys.announcements import PrivateNote, PulseStatus, RoundOutcome
from surveys.ports import ChatGateway
from surveys.team import Team

T = TypeVar("T")


class PlatformNotEnabled(Exception):
    """A team belongs to a platform this process has no credentials for."""


class Chats:
    """Dispatches by `team.channel.platform`, and tells `failed` of every call that failed."""

    def __init__(
        self,
        gateways: Mapping[str, ChatGateway] | None = None,
        *,
        failed: Callable[[str], None] | None = None,
    ) -> None:
        self._gateways = dict(gateways or {})
        self._failed = failed or (lambda _platform: None)

    def add(self, platform: str, gateway: ChatGateway) -> None:
        """Serve `platform`'s teams with `gateway`."""
        self._gateways[platform] = gateway

    async def _call(self, team: Team, call: Callable[[ChatGateway], Awaitable[T]]) -> T:
        platform = team.channel.platform
        gateway = self._gateways.get(platform)
        if gateway is None:
            raise PlatformNotEnabled(platform)
        try:
            return await call(gateway)
        except Exception:
            self._failed(platform)
            raise

    async def channel_members(self, team: Team) -> Sequence[str]:
        """The team's channel members."""
        return await self._call(team, lambda gateway: gateway.channel_members(team))

    async def post_pulse(self, status: PulseStatus) -> str:
        """Post the pulse message."""
        return await self._call(status.team, lambda gateway: gateway.post_pulse(status))

    async def update_pulse(self, status: PulseStatus, message_ref: str) -> None:
        """Update the pulse message."""
        await self._call(status.team, lambda gateway: gateway.update_pulse(status, message_ref))

    async def post_outcome(self, outcome: RoundOutcome) -> None:
        """Post a round's summary."""
        await self._call(outcome.team, lambda gateway: gateway.post_outcome(outcome))

    async def send_private(self, team: Team, user_id: str, notice: PrivateNote) -> None:
        """Send a private note."""
        await self._call(team, lambda gateway: gateway.send_private(team, user_id, notice))

    async def post_hack(self, team: Team, hack: Hack) -> str:
        """Post a hack card with its thread."""
        return await self._call(team, lambda gateway: gateway.post_hack(team, hack))
