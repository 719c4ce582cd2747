"""The Teams channels Tryghed was added to, and how to reach each one later."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from bot.msteams.connector import reference_json
from surveys.addresses import ChannelAddress
from surveys.ports import UnitOfWorkFactory
from surveys.team import ChannelRef

PLATFORM = "teams"
NAME_MAX = 200  # the column's size


def channel_data(activity: Activity) -> dict[str, Any]:
    """The Teams channel data of an activity (tenant, team, channel, event), as a dict."""
    data = activity.channel_data
    return data if isinstance(data, dict) else {}


def part(activity: Activity, name: str) -> dict[str, Any]:
    """One object of the channel data (`tenant`, `team`, `channel`), empty when absent."""
    value = channel_data(activity).get(name)
    return value if isinstance(value, dict) else {}


def tenant_of(activity: Activity) -> str:
    """The activity's tenant id."""
    tenant = part(activity, "tenant").get("id") or getattr(activity.conversation, "tenant_id", None)
    return tenant if isinstance(tenant, str) else ""


def channel_of(activity: Activity) -> ChannelRef | None:
    """The team channel an activity happened in (None in a personal or group chat)."""
    channel_id = part(activity, "channel").get("id")
    if not isinstance(channel_id, str) or not channel_id:
        return None
    return ChannelRef(PLATFORM, tenant_of(activity), channel_id)


def address_of(activity: Activity, channel_id: str, *, name: str = "") -> ChannelAddress:
    """Where to reach `channel_id` later, from an activity that came from its team."""
    team, channel = part(activity, "team"), part(activity, "channel")
    reference = TurnContext.get_conversation_reference(activity)
    # A reference to the channel itself, not to the thread or message the activity was in.
    reference.conversation.id = channel_id
    reference.conversation.conversation_type = "channel"
    return ChannelAddress(
        channel=ChannelRef(PLATFORM, tenant_of(activity), channel_id),
        group_id=str(team.get("id") or channel_id),
        service_url=str(activity.service_url or ""),
        updated_at=datetime.now(UTC),
        name=(name or str(channel.get("name") or team.get("name") or ""))[:NAME_MAX],
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
