"""A running Tryghed with Teams on, a fake Bot Framework connector, activities over HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from app.main import running_service
from content.loader import default_pack
from surveys.service import PulseService
from tests.conftest import harness_settings, isolate
from tests.fakes.adaptive_cards import card_problems
from tests.fakes.bot_connector import ConnectorCall, FakeBotConnector, Person
from tests.fakes.clock import ShiftedClock
from tests.fakes.waits import Waits

TENANT = "tenant-1"
TEAM = "19:team-general-0001@thread.tacv2"  # the team's id is its General channel's id
CHANNEL = "19:pulse-channel-0001@thread.tacv2"
BOT = "28:tryghed-bot-0001"
PEOPLE = [
    Person(f"aad-{n:02d}-5f3c9e", f"29:teams-user-{n:02d}-x7", f"Person {n}") for n in range(1, 10)
]
FACILITATOR = PEOPLE[0]
MESSAGES = "/api/messages"


async def until(check: Callable[[], bool], *, seconds: float = 5.0) -> None:
    """Wait for work the bot does after answering (a follow-up runs after the response)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the bot")
        await asyncio.sleep(0.01)


READABLE = frozenset({"text", "title", "value", "label", "fallbackText"})


def card_text(card: Any) -> str:
    """Every string a person could read on a card, joined."""
    if isinstance(card, Mapping):
        return " ".join(
            value if isinstance(value, str) else card_text(value)
            for key, value in card.items()
            if (key in READABLE and isinstance(value, str)) or isinstance(value, list | dict)
            if key not in {"data", "fallback"}
        )
    if isinstance(card, list):
        return " ".join(card_text(item) for item in card)
    return ""


def actions(card: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every Action.Execute on a card (its action bar and action sets)."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            if node.get("type") == "Action.Execute":
                found.append(dict(node))
            for key, value in node.items():
                if key != "fallback":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def action(card: Mapping[str, Any], verb: str) -> dict[str, Any]:
    """The action with `verb` on `card`."""
    for found in actions(card):
        if found["verb"] == verb:
            return found
    raise AssertionError(f"no {verb} action on the card")


def inputs(card: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The inputs of a card, in order."""
    return [b for b in card.get("body", []) if str(b.get("type", "")).startswith("Input.")]


async def invoke_body(response: ClientResponse) -> dict[str, Any]:
    """An invoke's answer: HTTP 200 with a proper Universal Actions body (cards valid)."""
    assert response.status == 200, await response.text()
    assert response.content_type == "application/json"
    body = dict(await response.json())
    assert body["statusCode"] == 200, body
    assert body["type"] in {
        "application/vnd.microsoft.card.adaptive",
        "application/vnd.microsoft.activity.message",
    }, body
    if body["type"] == "application/vnd.microsoft.card.adaptive":
        assert card_problems(body["value"]) == []
    else:
        assert isinstance(body["value"], str)
        assert body["value"]
    return body


@dataclass
class Teams:
    """The app under test, and the fake Teams around it."""

    http: TestClient[Any, Any]
    connector: FakeBotConnector
    pulse: PulseService
    clock: ShiftedClock
    waits: Waits = field(default_factory=Waits)  # the connector calls' retry waits
    _ids: count[int] = field(default_factory=lambda: count(1))

    async def post(
        self, activity: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> ClientResponse:
        """POST an activity to /api/messages (no Authorization: the insecure test mode)."""
        return await self.http.post(MESSAGES, json=dict(activity), headers=dict(headers or {}))

    def activity(
        self,
        kind: str,
        *,
        person: Person | None,
        conversation: Mapping[str, Any],
        channel: str | None = CHANNEL,
        locale: str = "en-US",
        **fields: Any,
    ) -> dict[str, Any]:
        """An activity as Teams sends it from the fake tenant."""
        n = next(self._ids)
        data: dict[str, Any] = {"tenant": {"id": TENANT}}
        if channel is not None:
            data["team"] = {"id": TEAM, "name": "Product", "aadGroupId": "group-0001"}
            data["channel"] = {"id": channel, "name": "Pulse" if channel == CHANNEL else None}
        activity: dict[str, Any] = {
            "type": kind,
            "id": f"f:{n}",
            "timestamp": "2026-03-02T08:00:00.000Z",
            "serviceUrl": self.connector.service_url,
            "channelId": "msteams",
            "recipient": {"id": BOT, "name": "Tryghed"},
            "conversation": dict(conversation),
            "channelData": data,
            "locale": locale,
            **fields,
        }
        if person is not None:
            activity["from"] = {
                "id": person.teams_id,
                "aadObjectId": person.aad,
                "name": person.name,
            }
        return activity

    def in_channel(self, channel: str = CHANNEL, message_id: str | None = None) -> dict[str, Any]:
        """A channel conversation (a thread in it when `message_id` is given)."""
        suffix = f";messageid={message_id}" if message_id else ""
        return {
            "id": channel + suffix,
            "conversationType": "channel",
            "isGroup": True,
            "tenantId": TENANT,
            "name": None,
        }

    def in_chat(self, person: Person) -> dict[str, Any]:
        """The 1:1 chat between `person` and the bot (as the fake connector named it)."""
        chat = self.connector.chats.setdefault(
            person.teams_id, f"a:chat-{len(self.connector.chats) + 1}"
        )
        return {"id": chat, "conversationType": "personal", "tenantId": TENANT}

    async def install(self) -> ClientResponse:
        """The app is added to the team (Teams sends installationUpdate, then membersAdded)."""
        installed = await self.post(
            self.activity(
                "installationUpdate",
                person=FACILITATOR,
                conversation=self.in_channel(TEAM),
                channel=None,
                action="add",
            )
            | {"channelData": {"tenant": {"id": TENANT}, "team": {"id": TEAM, "name": "Product"}}}
        )
        assert installed.status in (200, 201)
        added = self.activity(
            "conversationUpdate",
            person=FACILITATOR,
            conversation=self.in_channel(TEAM),
            channel=None,
            membersAdded=[{"id": BOT}],
        )
        added["channelData"] = {
            "tenant": {"id": TENANT},
            "team": {"id": TEAM, "name": "Product"},
            "eventType": "teamMemberAdded",
        }
        return await self.post(added)

    async def say(
        self, text: str, *, person: Person, channel: str = CHANNEL, locale: str = "en-US"
    ) -> ClientResponse:
        """`@Tryghed text` typed by `person` in `channel`."""
        mention = "<at>Tryghed</at>"
        return await self.post(
            self.activity(
                "message",
                person=person,
                conversation=self.in_channel(channel, str(next(self._ids))),
                channel=channel,
                locale=locale,
                text=f"{mention} {text}",
                textFormat="plain",
                entities=[
                    {
                        "type": "mention",
                        "text": mention,
                        "mentioned": {"id": BOT, "name": "Tryghed"},
                    }
                ],
            )
        )

    async def say_privately(self, text: str, *, person: Person) -> ClientResponse:
        """`text` typed by `person` in their 1:1 chat with the bot."""
        return await self.post(
            self.activity(
                "message", person=person, conversation=self.in_chat(person), channel=None, text=text
            )
        )

    async def execute(
        self,
        verb: str,
        data: Mapping[str, Any],
        *,
        person: Person,
        conversation: Mapping[str, Any],
        reply_to: str | None,
        channel: str | None = CHANNEL,
        locale: str = "en-US",
    ) -> ClientResponse:
        """An Action.Execute press (an adaptiveCard/action invoke)."""
        return await self.post(
            self.activity(
                "invoke",
                person=person,
                conversation=conversation,
                channel=channel,
                locale=locale,
                name="adaptiveCard/action",
                value={
                    "action": {"type": "Action.Execute", "verb": verb, "data": dict(data)},
                    "trigger": "manual",
                },
                **({"replyToId": reply_to} if reply_to else {}),
            )
        )

    async def press(
        self,
        thread: ConnectorCall,
        verb: str,
        *,
        person: Person,
        card: Mapping[str, Any] | None = None,
        answers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """`person` presses `verb` on the card starting `thread` (or `card`, shown in its place)."""
        shown = card if card is not None else thread.cards[0]
        pressed = action(shown, verb)
        conversation_id = str(thread.response["id"])
        activity_id = str(thread.response["activityId"])
        response = await self.execute(
            verb,
            {**pressed["data"], **(answers or {})},
            person=person,
            conversation=self.in_channel(conversation_id.split(";", maxsplit=1)[0], activity_id),
            reply_to=activity_id,
        )
        return await invoke_body(response)

    async def press_in_chat(
        self,
        card: Mapping[str, Any],
        verb: str,
        *,
        person: Person,
        answers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """`person` presses `verb` on a card in their 1:1 chat; returns the invoke body."""
        pressed = action(card, verb)
        response = await self.execute(
            verb,
            {**pressed["data"], **(answers or {})},
            person=person,
            conversation=self.in_chat(person),
            reply_to="chat-card",
            channel=None,
        )
        return await invoke_body(response)

    def chat(self, person: Person) -> list[dict[str, Any]]:
        """The cards in `person`'s 1:1 chat with the bot, oldest first."""
        return self.connector.chat_cards(person)

    def last_private_text(self, person: Person) -> str:
        """What the newest card in `person`'s 1:1 chat says."""
        cards = self.chat(person)
        assert cards, f"nothing was sent to {person.name} privately"
        return card_text(cards[-1])


@asynccontextmanager
async def running_teams(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **settings: Any
) -> AsyncIterator[Teams]:
    """Tryghed on a fresh SQLite file in `tmp_path`, Teams in the insecure test mode;
    `settings` override the harness's `Settings` fields."""
    async with FakeBotConnector(tenant_id=TENANT) as connector:
        isolate(monkeypatch, tmp_path)
        configured = harness_settings(
            {
                "database_url": f"sqlite+aiosqlite:///{tmp_path / 'tryghed.db'}",
                "teams_insecure_no_auth": True,
                "teams_count_delay": 0,
            }
            | settings
        )
        clock, waits = ShiftedClock(), Waits()
        async with (
            running_service(
                configured, default_pack(), schedule=False, clock=clock, retry_sleep=waits
            ) as service,
            TestServer(service.app) as server,
            TestClient[Any, Any](server) as http,
        ):
            yield Teams(
                http=http, connector=connector, pulse=service.pulse, clock=clock, waits=waits
            )
