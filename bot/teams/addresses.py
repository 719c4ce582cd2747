"""The Teams channels Tryghed was added to, and how to reach each one later."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from bot.teams.connector import reference_json
from surveys.addresses import ChannelAddress
from surveys.ports import UnitOfWorkFactory
from surveys.team import ChannelRef

PLATFORM = "teams"


def channel_data(activity: Activity) -> dict[str, Any]:
    """The Teams channel data of an activity (tenant, team, channel, event), as a dict."""
    data = activity.channel_data
    return data if isinstance(data, dict) else {}


def tenant_of(activity: Activity) -> str:
    """The activity's tenant id."""
    tenant = channel_data(activity).get("tenant") or {}
    conversation = activity.conversation
    return str(tenant.get("id") or getattr(conversation, "tenant_id", None) or "")


def channel_of(activity: Activity) -> ChannelRef | None:
    """The team channel an activity happened in (None in a personal or group chat)."""
    channel = channel_data(activity).get("channel") or {}
    channel_id = channel.get("id")
    if not channel_id:
        return None
    return ChannelRef(PLATFORM, tenant_of(activity), str(channel_id))


def address_of(activity: Activity, channel_id: str, *, name: str = "") -> ChannelAddress:
    """Where to reach `channel_id` later, from an activity that came from its team."""
    data = channel_data(activity)
    team = data.get("team") or {}
    reference = TurnContext.get_conversation_reference(activity)
    # A reference to the channel itself, not to the thread or message the activity was in.
    reference.conversation.id = channel_id
    reference.conversation.conversation_type = "channel"
    return ChannelAddress(
        channel=ChannelRef(PLATFORM, tenant_of(activity), channel_id),
        group_id=str(team.get("id") or channel_id),
        service_url=str(activity.service_url or ""),
        updated_at=datetime.now(UTC),
        name=name or str((data.get("channel") or {}).get("name") or team.get("name") or ""),
        reference=reference_json(reference),
    )


class Addresses:
    """Channel addresses in the database, through the storage port."""

    def __init__(self, unit_of_work: UnitOfWorkFactory) -> None:
        self._uow = unit_of_work

    async def get(self, channel: ChannelRef) -> ChannelAddress | None:
        """The channel's address, if Tryghed was added there."""
        async with self._uow() as uow:
            return await uow.addresses.get(channel)

    async def remember(self, address: ChannelAddress) -> None:
        """Keep (or refresh) a channel's address."""
        async with self._uow() as uow:
            await uow.addresses.save(address)
            await uow.commit()

    async def forget(self, channel: ChannelRef) -> None:
        """A channel was deleted."""
        async with self._uow() as uow:
            await uow.addresses.remove(channel)
            await uow.commit()

    async def forget_team(self, tenant_id: str, team_id: str) -> int:
        """Tryghed was removed from a team, or the team was deleted."""
        async with self._uow() as uow:
            removed = await uow.addresses.remove_group(PLATFORM, tenant_id, team_id)
            await uow.commit()
        return removed
