"""The `Platform` protocol in Teams: a thin adapter over the Teams harness (activities into the
running app, a fake Bot Framework connector around it)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from surveys.team import ChannelRef
from tests.bot.msteams.harness import (
    CHANNEL,
    TEAM,
    TENANT,
    Teams,
    actions,
    card_text,
    inputs,
    invoke_body,
    running_teams,
)
from tests.bot.msteams.harness import (
    PEOPLE as MEMBERS,
)
from tests.fakes.bot_connector import ConnectorCall, Person
from tests.scenarios.chat.platform import PEOPLE, SETUP, Card, Form, Language, Post

OTHER_CHANNEL = "19:other-channel-0002@thread.tacv2"


@dataclass(frozen=True)
class Shown:
    """Where a card is: on the thread a post started, or in the person's 1:1 chat."""

    card: dict[str, Any]
    thread: ConnectorCall | None


class TeamsPlatform:
    """Tryghed installed in one Teams team, its team channel `CHANNEL`."""

    name = "teams"
    prefix = "@Tryghed"
    cannot_post = "Tryghed can't post in this channel yet"
    can_keep_bot_out = True
    can_uninstall = True

    def __init__(self, teams: Teams, database: Path) -> None:
        self.teams = teams
        self.pulse = teams.pulse
        self.database = database
        self._locales: dict[str, str] = {}
        # Invoke answers each person saw, at how many connector calls then (their 1:1 chat
        # interleaves by its place among the calls).
        self._seen: list[tuple[int, str, str]] = []

    @property
    def channel(self) -> ChannelRef:
        return ChannelRef("teams", TENANT, CHANNEL)

    def member(self, person: str) -> Person:
        """The fake tenant's person behind `person`."""
        return MEMBERS[PEOPLE.index(person)]

    def user_id(self, person: str) -> str:
        return self.member(person).aad

    def identities(self, person: str) -> list[str]:
        member = self.member(person)
        chat = self.teams.connector.chats.get(member.teams_id)
        return [member.aad, member.teams_id, member.name, *([chat] if chat else [])]

    def secrets(self) -> list[str]:
        return []  # the insecure test mode holds none

    def speaks(self, person: str, language: Language) -> None:
        self._locales[person] = "da-DK" if language == "da" else "en-US"

    def advance(self, *, hours: float) -> None:
        self.teams.clock.advance(hours=hours)

    async def say(self, person: str, text: str) -> Card:
        member = self.member(person)
        before = len(self.teams.chat(member))
        response = await self.teams.say(
            text, person=member, locale=self._locales.get(person, "en-US")
        )
        assert response.status in (200, 201)
        # A typed command is answered in the person's 1:1 chat, never in the channel.
        assert self.teams.connector.calls_to("reply") == []
        cards = self.teams.chat(member)[before:]
        assert cards, f"nothing was sent to {member.name} privately"
        return _card(Shown(cards[-1], None))

    async def press(self, person: str, action: str, on: Card, *, value: str | None = None) -> Card:
        shown: Shown = on.source
        found = [a for a in actions(shown.card) if a["verb"] == action]
        data = {
            **(found[0]["data"] if found else {}),
            **({} if value is None else {"value": value}),
        }
        return await self._execute(person, action, data, shown)

    async def submit(self, person: str, form: Form, values: Mapping[str, str]) -> Card:
        shown: Shown = form.source
        (send,) = [a for a in actions(shown.card) if a["verb"].endswith("_form")]
        return await self._execute(person, send["verb"], {**send["data"], **values}, shown)

    def aimed(self, form: Form, round_id: str) -> Form:
        shown: Shown = form.source
        card = {
            **shown.card,
            "actions": [
                {**a, "data": {**a["data"], "reference": round_id}}
                for a in shown.card.get("actions", [])
            ],
        }
        return _form(Shown(card, shown.thread))

    def replies(self, person: str) -> list[str]:
        chat = self.teams.connector.chats.get(self.member(person).teams_id)
        direct = [
            (n, 1, card_text(card))
            for n, call in enumerate(self.teams.connector.calls)
            if call.ok and call.kind in {"send", "reply"} and call.conversation_id == chat
            for card in call.cards
        ]
        seen = [(n, 0, text) for n, who, text in self._seen if who == person]
        return [text for *_, text in sorted(direct + seen)]

    def channel_posts(self) -> list[Post]:
        connector = self.teams.connector
        posts = []
        for thread in connector.threads(CHANNEL):
            conversation, activity = thread.response["id"], thread.response["activityId"]
            card = dict(connector.message(conversation, activity)["attachments"][0]["content"])
            shown = _card(Shown(card, thread))
            posts.append(
                Post(
                    shown.text,
                    shown.actions,
                    source=shown.source,
                    thread=[
                        card_text(c.cards[0])
                        for c in connector.calls_to("send")
                        if c.conversation_id == conversation
                    ],
                    updates=sum(c.activity_id == activity for c in connector.calls_to("update")),
                )
            )
        return posts

    async def another_team(self) -> str:
        facilitator = MEMBERS[0]
        self.teams.connector.rosters[OTHER_CHANNEL] = list(MEMBERS)
        await self.teams.say(SETUP, person=facilitator, channel=OTHER_CHANNEL)
        await self.teams.say("pulse", person=facilitator, channel=OTHER_CHANNEL)
        (thread,) = self.teams.connector.threads(OTHER_CHANNEL)
        return _card(Shown(thread.cards[0], thread)).actions["tryghed_answer"]

    def refuse_next_post(self) -> None:
        self.teams.connector.fail_next("conversations", status=403, retry_after=None)

    async def uninstall(self) -> None:
        removed = self.teams.activity(
            "installationUpdate",
            person=MEMBERS[0],
            conversation=self.teams.in_channel(TEAM),
            channel=None,
            action="remove",
        )
        removed["channelData"] = {"tenant": {"id": TENANT}, "team": {"id": TEAM, "name": "Product"}}
        assert (await self.teams.post(removed)).status in (200, 201)

    async def reinstall(self) -> None:
        assert (await self.teams.install()).status in (200, 201)

    async def settle(self) -> None:
        """Follow-ups run after the invoke answer; what they change is waited for by the
        scenario (`until`), so there is nothing to wait for here."""

    async def _execute(self, person: str, verb: str, data: Mapping[str, Any], shown: Shown) -> Card:
        member = self.member(person)
        if shown.thread is None:
            conversation, reply_to, channel = self.teams.in_chat(member), "chat-card", None
        else:
            reply_to = str(shown.thread.response["activityId"])
            conversation = self.teams.in_channel(CHANNEL, reply_to)
            channel = CHANNEL
        response = await self.teams.execute(
            verb,
            data,
            person=member,
            conversation=conversation,
            reply_to=reply_to,
            channel=channel,
            locale=self._locales.get(person, "en-US"),
        )
        body = await invoke_body(response)
        if body["type"] == "application/vnd.microsoft.card.adaptive":
            answer = _card(Shown(dict(body["value"]), shown.thread))
        else:
            answer = Card(str(body["value"]))
        self._seen.append((len(self.teams.connector.calls), person, answer.text))
        return answer


def _card(shown: Shown) -> Card:
    if inputs(shown.card):
        return _form(shown)
    buttons = {a["verb"]: str(a["data"].get("value", "")) for a in actions(shown.card)}
    return Card(card_text(shown.card), buttons, source=shown)


def _form(shown: Shown) -> Form:
    fields = inputs(shown.card)
    return Form(
        card_text(shown.card),
        source=shown,
        fields=[f["id"] for f in fields],
        options={f["id"]: [c["value"] for c in f.get("choices", [])] for f in fields},
        defaults={f["id"]: str(f["value"]) for f in fields if f.get("value")},
    )


@asynccontextmanager
async def teams_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[TeamsPlatform]:
    """Tryghed installed in a team whose channel has the nine people."""
    async with running_teams(tmp_path, monkeypatch) as teams:
        teams.connector.rosters[CHANNEL] = list(MEMBERS)
        teams.connector.rosters[TEAM] = list(MEMBERS)
        assert (await teams.install()).status in (200, 201)
        yield TeamsPlatform(teams, tmp_path / "tryghed.db")
        teams.connector.assert_clean()
