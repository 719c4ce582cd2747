"""The domain's ChatGateway on Teams: channel threads, card updates, 1:1 chats, rosters."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager

from bot.chart.pictures import ChartCache
from bot.msteams.addresses import Addresses
from bot.msteams.cards import Json, adaptive_card
from bot.msteams.connector import Connector, Member, MessageRef
from bot.msteams.sending import response_status
from bot.views.hacks import hack_card, reflection
from bot.views.notices import private_note
from bot.views.pulse import closed_pulse, pulse_message
from bot.views.results import summary
from content.schema import ContentPack, Hack
from surveys.addresses import ChannelAddress
from surveys.announcements import PrivateNote, PulseStatus, RoundOutcome
from surveys.errors import NotInChannel
from surveys.team import ChannelRef, Team

log = logging.getLogger(__name__)

# Teams' answers meaning "the bot is not (or no longer) in that team": someone can fix that.
UNREACHABLE = frozenset({403, 404})


@asynccontextmanager
async def _in_channel() -> AsyncIterator[None]:
    try:
        yield
    except Exception as error:
        status, _ = response_status(error)
        if status in UNREACHABLE:
            raise NotInChannel() from error
        raise


class TeamsChat:
    """Renders the domain's announcements as Adaptive Cards and sends them to Teams (when a
    count is shown is bot/pulse_updates.py's business)."""

    def __init__(
        self,
        connector: Connector,
        addresses: Addresses,
        content: ContentPack,
        *,
        charts: ChartCache | None = None,
    ) -> None:
        self._connector = connector
        self._charts = charts
        self._addresses = addresses
        self._content = content
        # Teams ids of people by (tenant, AAD object id), learnt from rosters: in memory only.
        self._teams_ids: dict[tuple[str, str], str] = {}

    async def channel_members(self, team: Team) -> Sequence[str]:
        """The channel's members (AAD object ids), without bots."""
        members = await self.roster(team.channel)
        return [member.user_id for member in members]

    async def roster(self, channel: ChannelRef) -> list[Member]:
        """Who is in a channel, remembering how to reach each of them privately."""
        address = await self._address(channel)
        async with _in_channel():
            members = await self._connector.members(address)
        bot = _bot_id(address)
        # Bots' Teams ids start with "28:"; they are never counted or reminded.
        members = [m for m in members if m.teams_id != bot and not m.teams_id.startswith("28:")]
        for member in members:
            self._teams_ids[(channel.workspace_id, member.user_id)] = member.teams_id
        return members

    async def post_pulse(self, status: PulseStatus) -> str:
        """Post the pulse as a new thread; its conversation and activity ids are the reference."""
        return await self._start_thread(
            status.team, adaptive_card(pulse_message(status, self._content))
        )

    async def update_pulse(self, status: PulseStatus, message_ref: str) -> None:
        """Show the participation count to everyone."""
        card = adaptive_card(pulse_message(status, self._content))
        await self._update(status.team, message_ref, card)

    async def post_outcome(self, outcome: RoundOutcome) -> None:
        """Post the summary (with the team's trend chart, a round shown only) as a new
        thread, and mark the pulse message as closed."""
        chart = await self._charts.summary_chart(outcome) if self._charts else None
        card = adaptive_card(summary(outcome, self._content, chart=chart))
        await self._start_thread(outcome.team, card)
        if outcome.round.message_ref is not None:
            await self._update(
                outcome.team,
                outcome.round.message_ref,
                adaptive_card(closed_pulse(outcome, self._content)),
            )

    async def send_private(self, team: Team, user_id: str, notice: PrivateNote) -> None:
        """A message in the person's 1:1 chat with Tryghed."""
        card = adaptive_card(private_note(notice, team, self._content))
        await self.send_to_person(team.channel, user_id, card)

    async def send_to_person(
        self, channel: ChannelRef, user_id: str, card: Json, *, teams_id: str | None = None
    ) -> None:
        """Post `card` privately to someone in `channel`'s team (their Teams id, if known)."""
        address = await self._address(channel)
        key = (channel.workspace_id, user_id)
        if teams_id is None and key not in self._teams_ids:
            await self.roster(channel)
        teams_id = teams_id or self._teams_ids.get(key)
        if teams_id is None:
            log.warning("a private note could not be delivered: the person left the channel")
            return
        await self._connector.send_to_person(address, teams_id, card)

    async def post_hack(self, team: Team, hack: Hack) -> str:
        """The hack card as a new thread, then the reflection questions as its first reply."""
        language = team.settings.language
        ref = await self._start_thread(
            team, adaptive_card(hack_card(hack, self._content, language))
        )
        message = MessageRef.decode(ref)
        address = await self._address(team.channel)
        async with _in_channel():
            await self._connector.post(
                address,
                message.conversation_id,
                adaptive_card(reflection(hack, self._content, language)),
            )
        return ref

    async def update_message(self, channel: ChannelRef, message: MessageRef, card: Json) -> None:
        """Replace a shared card for everyone (e.g. a hack marked as done)."""
        address = await self._address(channel)
        async with _in_channel():
            await self._connector.update(address, message, card)

    async def close(self) -> None:
        """Close the connector's HTTP sessions."""
        await self._connector.close()

    async def _start_thread(self, team: Team, card: Json) -> str:
        address = await self._address(team.channel)
        async with _in_channel():
            message = await self._connector.start_thread(address, card)
        return message.encode()

    async def _update(self, team: Team, message_ref: str, card: Json) -> None:
        await self.update_message(team.channel, MessageRef.decode(message_ref), card)

    async def _address(self, channel: ChannelRef) -> ChannelAddress:
        address = await self._addresses.get(channel)
        if address is None:
            raise NotInChannel()
        return address


def _bot_id(address: ChannelAddress) -> str:
    bot = address.reference.get("bot")
    return str(bot.get("id", "")) if isinstance(bot, Mapping) else ""
