"""One ChatGateway over several platforms: each team is served by its own platform's gateway."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from content.schema import Hack
from surveys.announcements import Notice, PulseStatus, RoundOutcome
from surveys.ports import ChatGateway
from surveys.team import Team


class PlatformNotEnabled(Exception):
    """A team belongs to a platform this process has no credentials for."""


class Chats:
    """Dispatches by `team.channel.platform`."""

    def __init__(self, gateways: Mapping[str, ChatGateway] | None = None) -> None:
        self._gateways = dict(gateways or {})

    def add(self, platform: str, gateway: ChatGateway) -> None:
        """Serve `platform`'s teams with `gateway`."""
        self._gateways[platform] = gateway

    def _for(self, team: Team) -> ChatGateway:
        gateway = self._gateways.get(team.channel.platform)
        if gateway is None:
            raise PlatformNotEnabled(team.channel.platform)
        return gateway

    async def channel_members(self, team: Team) -> Sequence[str]:
        """The team's channel members."""
        return await self._for(team).channel_members(team)

    async def post_pulse(self, status: PulseStatus) -> str:
        """Post the pulse message."""
        return await self._for(status.team).post_pulse(status)

    async def update_pulse(self, status: PulseStatus, message_ref: str) -> None:
        """Update the pulse message."""
        await self._for(status.team).update_pulse(status, message_ref)

    async def post_outcome(self, outcome: RoundOutcome) -> None:
        """Post a round's summary."""
        await self._for(outcome.team).post_outcome(outcome)

    async def send_private(self, team: Team, user_id: str, notice: Notice) -> None:
        """Send a private note."""
        await self._for(team).send_private(team, user_id, notice)

    async def post_hack(self, team: Team, hack: Hack) -> str:
        """Post a hack card with its thread."""
        return await self._for(team).post_hack(team, hack)
