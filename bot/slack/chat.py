"""The domain's ChatGateway on Slack: post, update, remind and open hack threads."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from slack_sdk.errors import SlackApiError

from bot.chart.pictures import ChartCache
from bot.failures import failure
from bot.slack.blocks import message_blocks
from bot.slack.clients import SlackClients
from bot.slack.directory import Directory
from bot.slack.files import ChartFiles
from bot.views.card import Card, ChartImage
from bot.views.hacks import hack_card, reflection
from bot.views.notices import private_note
from bot.views.pulse import closed_pulse, pulse_message
from bot.views.results import summary
from content.schema import ContentPack, Hack
from surveys.announcements import PrivateNote, PulseStatus, RoundOutcome
from surveys.errors import NotInChannel
from surveys.team import Team

log = logging.getLogger(__name__)

MEMBERS_PAGE = 1000
# Slack's answers that mean "the bot cannot reach this channel": the person can fix that.
UNREACHABLE = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


@asynccontextmanager
async def _in_channel() -> AsyncIterator[None]:
    try:
        yield
    except SlackApiError as error:
        if error.response.get("error") in UNREACHABLE:
            raise NotInChannel() from error
        raise


class SlackChat:
    """Renders the domain's announcements as Block Kit and sends them (when a count is shown
    is bot/pulse_updates.py's business)."""

    def __init__(
        self,
        clients: SlackClients,
        content: ContentPack,
        *,
        charts: ChartCache | None = None,
        files: ChartFiles | None = None,
    ) -> None:
        self._clients = clients
        self._content = content
        self._charts = charts
        self._files = files or ChartFiles(clients)
        self._directory = Directory(clients)

    async def channel_members(self, team: Team) -> Sequence[str]:
        """The channel's people, page by page: no bots, apps or deactivated accounts (one
        users.list for the workspace, not one question per member)."""
        workspace = team.channel.workspace_id
        client = await self._clients.for_workspace(workspace)
        not_people = {await self._clients.bot_user_id(workspace)}
        not_people |= await self._directory.not_people(workspace)
        members: list[str] = []
        cursor: str | None = None
        while True:
            async with _in_channel():
                page = await client.conversations_members(
                    channel=team.channel.channel_id, limit=MEMBERS_PAGE, cursor=cursor
                )
            for member in page.get("members") or []:
                if member not in not_people:
                    members.append(str(member))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return members

    async def post_pulse(self, status: PulseStatus) -> str:
        """Post the pulse message; its `ts` is the reference for updates."""
        return await self._post(status.team, pulse_message(status, self._content))

    async def update_pulse(self, status: PulseStatus, message_ref: str) -> None:
        """Show the participation count to everyone."""
        await self._update(status.team, message_ref, pulse_message(status, self._content))

    async def post_outcome(self, outcome: RoundOutcome) -> None:
        """Post the summary, share the team's trend chart below it (a round shown only), and
        mark the pulse message as closed."""
        chart = await self._charts.summary_chart(outcome) if self._charts else None
        await self._post(outcome.team, summary(outcome, self._content, chart=chart))
        if chart is not None:
            await self._share(outcome.team, chart)
        if outcome.round.message_ref is not None:
            card = closed_pulse(outcome, self._content)
            await self._update(outcome.team, outcome.round.message_ref, card)

    async def _share(self, team: Team, chart: ChartImage) -> None:
        """The chart as a file in the team's channel, once: the summary was posted, so a
        failure here is logged, never raised (a retried close would post the summary again)."""
        try:
            await self._files.share(
                team.channel.workspace_id, chart, channel=team.channel.channel_id
            )
        except Exception as error:
            log.error("the trend chart could not be shared: %s", failure(error))

    async def send_private(self, team: Team, user_id: str, notice: PrivateNote) -> None:
        """A direct message from the app (it reaches people wherever they are)."""
        card = private_note(notice, team, self._content)
        client = await self._clients.for_workspace(team.channel.workspace_id)
        await client.chat_postMessage(
            channel=user_id, text=card.fallback, blocks=message_blocks(card)
        )

    async def post_hack(self, team: Team, hack: Hack) -> str:
        """The hack card in the channel, then the reflection questions opening its thread."""
        language = team.settings.language
        ts = await self._post(team, hack_card(hack, self._content, language))
        await self._post(team, reflection(hack, self._content, language), thread_ts=ts)
        return ts

    async def _post(self, team: Team, card: Card, *, thread_ts: str | None = None) -> str:
        client = await self._clients.for_workspace(team.channel.workspace_id)
        async with _in_channel():
            answer = await client.chat_postMessage(
                channel=team.channel.channel_id,
                text=card.fallback,
                blocks=message_blocks(card),
                thread_ts=thread_ts,
            )
        return str(answer["ts"])

    async def _update(self, team: Team, ts: str, card: Card) -> None:
        client = await self._clients.for_workspace(team.channel.workspace_id)
        async with _in_channel():
            await client.chat_update(
                channel=team.channel.channel_id,
                ts=ts,
                text=card.fallback,
                blocks=message_blocks(card),
            )
