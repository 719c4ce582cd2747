"""Proactive Bot Framework calls: start a channel thread, post, update, open a 1:1 chat, roster.

Every call goes through the Sender (Teams' limits); addresses come from our own table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
)
from botframework.connector import Channels
from botframework.connector.aio import ConnectorClient

from bot.msteams.adapter import Adapter
from bot.msteams.cards import Json, attachment
from bot.msteams.sending import Sender
from surveys.addresses import ChannelAddress

MEMBERS_PAGE = 500  # Teams' largest page
SEPARATOR = "|"


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message in Teams: its conversation (a channel thread `…;messageid=…`) and its id."""

    conversation_id: str
    activity_id: str

    def encode(self) -> str:
        """As one string (the domain's message reference)."""
        return f"{self.conversation_id}{SEPARATOR}{self.activity_id}"

    @classmethod
    def decode(cls, text: str) -> MessageRef:
        """Back from `encode`."""
        conversation_id, _, activity_id = text.rpartition(SEPARATOR)
        return cls(conversation_id, activity_id)


@dataclass(frozen=True, slots=True)
class Member:
    """Someone in a channel's roster: our id for them (AAD object id), Teams' id, and name."""

    user_id: str
    teams_id: str
    name: str


def card_activity(card: Json) -> Activity:
    """A message carrying one Adaptive Card (its fallback text for notifications)."""
    return Activity(
        type=ActivityTypes.message,
        text=None,
        summary=str(card.get("fallbackText", "")),
        attachments=[attachment(card)],
    )


class Connector:
    """The bot's outgoing calls to one or more Bot Framework service URLs."""

    def __init__(self, adapter: Adapter, sender: Sender) -> None:
        self._adapter = adapter
        self._sender = sender
        self._clients: dict[str, ConnectorClient] = {}
        self._chats: dict[tuple[str, str], str] = {}

    async def start_thread(self, address: ChannelAddress, card: Json) -> MessageRef:
        """Post `card` as a new thread in the channel (create_conversation with its tenant)."""
        reference = _reference(address)
        tenant = address.channel.workspace_id
        parameters = ConversationParameters(
            is_group=True,
            bot=reference.bot,
            channel_data={
                "channel": {"id": address.channel.channel_id},
                "tenant": {"id": tenant},
            },
            activity=card_activity(card),
            tenant_id=tenant,
        )
        activity = await self._create(address, parameters)
        return MessageRef(activity.conversation.id, activity.id)

    async def post(self, address: ChannelAddress, conversation_id: str, card: Json) -> str:
        """Post `card` into a conversation (a thread, a 1:1 chat); returns the activity id."""
        client = await self._client(address.service_url)
        activity = card_activity(card)
        activity.conversation = ConversationAccount(id=conversation_id)
        answer = await self._sender.call(
            address.channel.workspace_id,
            lambda: client.conversations.send_to_conversation(conversation_id, activity),
        )
        return str(getattr(answer, "id", "") or "")

    async def update(self, address: ChannelAddress, message: MessageRef, card: Json) -> None:
        """Replace a message's card, for everyone who sees it."""
        client = await self._client(address.service_url)
        activity = card_activity(card)
        activity.id = message.activity_id
        await self._sender.call(
            address.channel.workspace_id,
            lambda: client.conversations.update_activity(
                message.conversation_id, message.activity_id, activity
            ),
            repeatable=True,  # the same card again
        )

    async def send_to_person(self, address: ChannelAddress, teams_id: str, card: Json) -> None:
        """Post `card` in the 1:1 chat between the bot and one person of the address's tenant."""
        tenant = address.channel.workspace_id
        key = (tenant, teams_id)
        if key not in self._chats:
            self._chats[key] = await self._open_chat(address, teams_id)
        await self.post(address, self._chats[key], card)

    async def members(self, address: ChannelAddress) -> list[Member]:
        """The channel's roster, page by page."""
        client = await self._client(address.service_url)
        members: list[Member] = []
        token: str | None = None
        while True:
            page = await self._sender.call(
                address.channel.workspace_id,
                _page(client, address.channel.channel_id, token),
                repeatable=True,
            )
            for account in getattr(page, "members", None) or []:
                teams_id = str(account.id or "")
                if teams_id:
                    members.append(
                        Member(
                            user_id=str(account.aad_object_id or teams_id),
                            teams_id=teams_id,
                            name=str(account.name or ""),
                        )
                    )
            token = getattr(page, "continuation_token", None) or None
            if not token:
                return members

    async def close(self) -> None:
        """Close the HTTP sessions."""
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.__aexit__(None, None, None)

    async def _open_chat(self, address: ChannelAddress, teams_id: str) -> str:
        reference = _reference(address)
        tenant = address.channel.workspace_id
        parameters = ConversationParameters(
            is_group=False,
            bot=reference.bot,
            members=[ChannelAccount(id=teams_id)],
            channel_data={"tenant": {"id": tenant}},
            tenant_id=tenant,
        )
        # Repeatable: Teams answers with the chat that already exists.
        activity = await self._create(address, parameters, repeatable=True)
        return str(activity.conversation.id)

    async def _create(
        self,
        address: ChannelAddress,
        parameters: ConversationParameters,
        *,
        repeatable: bool = False,
    ) -> Activity:
        """create_conversation through the sender; the new conversation's first activity."""
        created: list[Activity] = []

        async def keep(context: TurnContext) -> None:
            created.append(context.activity)

        await self._sender.call(
            address.channel.workspace_id,
            lambda: self._adapter.adapter.create_conversation(
                self._adapter.app_id,
                keep,
                parameters,
                channel_id=Channels.ms_teams,
                service_url=address.service_url,
            ),
            repeatable=repeatable,
        )
        return created[0]

    async def _client(self, service_url: str) -> ConnectorClient:
        if service_url not in self._clients:
            identity = self._adapter.adapter.create_claims_identity(self._adapter.app_id)
            factory = self._adapter.authentication.create_connector_factory(identity)
            client = await factory.create(service_url, None)
            # msrest would retry failed statuses and lost answers of GETs and PUTs below the
            # Sender, out of sight of the metrics and of Retry-After: they come back to the
            # Sender instead. A refused connect (nothing was sent) is still retried there.
            retry = client.config.retry_policy.policy
            retry.status_forcelist = frozenset()
            retry.read = 0
            self._clients[service_url] = client
        return self._clients[service_url]


def _page(
    client: ConnectorClient, conversation_id: str, token: str | None
) -> Callable[[], Awaitable[Any]]:
    def call() -> Awaitable[Any]:
        return client.conversations.get_conversation_paged_members(  # type: ignore[no-any-return]
            conversation_id, page_size=MEMBERS_PAGE, continuation_token=token
        )

    return call


def _reference(address: ChannelAddress) -> ConversationReference:
    return ConversationReference().deserialize(dict(address.reference))


def reference_json(reference: ConversationReference) -> Mapping[str, Any]:
    """A conversation reference as stored: no person, no message, just where and as whom."""
    reference.user = None
    reference.activity_id = None
    return dict(reference.serialize())
