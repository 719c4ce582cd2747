"""Channel addresses on SQLAlchemy."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import ChannelAddressRow
from surveys.addresses import ChannelAddress
from surveys.team import ChannelRef


class SqlChannelAddresses:
    """Addresses in `channel_addresses`, one per channel."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save(self, address: ChannelAddress) -> None:
        """Store an address, replacing the channel's previous one."""
        # One upsert statement: two replicas saving the same channel at once cannot collide.
        channel = address.channel
        values = {
            "group_id": address.group_id,
            "name": address.name,
            "service_url": address.service_url,
            "reference": dict(address.reference),
            "updated_at": address.updated_at,
        }
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(ChannelAddressRow).values(
            platform=channel.platform,
            workspace_id=channel.workspace_id,
            channel_id=channel.channel_id,
            **values,
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["platform", "workspace_id", "channel_id"], set_=values
            ),
            execution_options={"synchronize_session": False},
        )

    async def get(self, channel: ChannelRef) -> ChannelAddress | None:
        """The channel's address, if the bot knows one."""
        # populate_existing: `save` writes past the identity map.
        row = await self._session.get(
            ChannelAddressRow,
            (channel.platform, channel.workspace_id, channel.channel_id),
            populate_existing=True,
        )
        return _address(row) if row else None

    async def in_group(
        self, platform: str, workspace_id: str, group_id: str
    ) -> list[ChannelAddress]:
        """The known channels of one group (a Teams team), by name."""
        rows = await self._session.scalars(
            select(ChannelAddressRow)
            .where(
                ChannelAddressRow.platform == platform,
                ChannelAddressRow.workspace_id == workspace_id,
                ChannelAddressRow.group_id == group_id,
            )
            .order_by(ChannelAddressRow.name, ChannelAddressRow.channel_id)
            .execution_options(populate_existing=True)
        )
        return [_address(row) for row in rows]

    async def remove(self, channel: ChannelRef) -> None:
        """Forget a channel (deleted, or the bot was removed)."""
        await self._session.execute(
            delete(ChannelAddressRow).where(
                ChannelAddressRow.platform == channel.platform,
                ChannelAddressRow.workspace_id == channel.workspace_id,
                ChannelAddressRow.channel_id == channel.channel_id,
            )
        )

    async def remove_group(self, platform: str, workspace_id: str, group_id: str) -> int:
        """Forget every channel of a group (the app was uninstalled); returns how many."""
        doomed = await self.in_group(platform, workspace_id, group_id)
        for address in doomed:
            await self.remove(address.channel)
        return len(doomed)


def _address(row: ChannelAddressRow) -> ChannelAddress:
    return ChannelAddress(
        channel=ChannelRef(row.platform, row.workspace_id, row.channel_id),
        group_id=row.group_id,
        service_url=row.service_url,
        updated_at=row.updated_at,
        name=row.name,
        reference=dict(row.reference),
    )
