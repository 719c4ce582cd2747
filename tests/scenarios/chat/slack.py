"""The `Platform` protocol in Slack: a thin adapter over the Slack harness (signed requests
into the running app, a fake Slack Web API around it)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse

from surveys.team import ChannelRef, TeamSettings
from tests.bot.slack.harness import (
    CHANNEL,
    WORKSPACE,
    Slack,
    block_text,
    checks,
    radio,
    running_slack,
    select,
    settle,
    text_input,
    until,
    users,
)
from tests.scenarios.chat.platform import PEOPLE, Card, Form, Language, Post

BOT = "UBOT"
OTHER_CHANNEL = "C0002"

# How a form's value is put into each kind of Block Kit input.
STATES: dict[str, Callable[[str], dict[str, Any]]] = {
    "radio_buttons": radio,
    "static_select": select,
    "plain_text_input": text_input,
    "multi_users_select": lambda v: users(*[u for u in v.split(",") if u]),
    "checkboxes": lambda v: checks(*[c for c in v.split(",") if c]),
}


class SlackPlatform:
    """Tryghed in one Slack workspace, its team channel `CHANNEL`."""

    name = "slack"
    prefix = "/tryghed"
    cannot_post = "/invite @Tryghed"
    can_keep_bot_out = True
    can_uninstall = True

    def __init__(self, slack: Slack, database: Path) -> None:
        self.slack = slack
        self.pulse = slack.pulse
        self.database = database
        # What each person saw in answer to what they did, at how many Web API calls then
        # (direct messages interleave by their place among the calls).
        self._seen: list[tuple[int, str, str]] = []

    @property
    def channel(self) -> ChannelRef:
        return ChannelRef("slack", WORKSPACE, CHANNEL)

    def user_id(self, person: str) -> str:
        return f"UP{PEOPLE.index(person) + 1:02d}"

    def identities(self, person: str) -> list[str]:
        return [self.user_id(person)]

    def secrets(self) -> list[str]:
        return ["xoxb-test"]

    def speaks(self, person: str, language: Language) -> None:
        user = self.slack.api.users.setdefault(self.user_id(person), {})
        user["locale"] = "da-DK" if language == "da" else "en-GB"

    def advance(self, *, hours: float) -> None:
        self.slack.clock.advance(hours=hours)

    async def say(self, person: str, text: str) -> Card:
        return await self._answered(person, self.slack.command(text, user=self.user_id(person)))

    async def press(self, person: str, action: str, on: Card, *, value: str | None = None) -> Card:
        message = on.source if isinstance(on, Post) else None
        pressed = self.slack.press(
            action,
            on.actions[action] if value is None else value,
            user=self.user_id(person),
            **({"message_ts": str(message["ts"])} if message else {}),
        )
        return await self._answered(person, pressed)

    async def submit(self, person: str, form: Form, values: Mapping[str, str]) -> Card:
        view: dict[str, Any] = form.source
        kinds = {
            b["block_id"]: b["element"]["type"] for b in view["blocks"] if b["type"] == "input"
        }
        states = {f: STATES[kinds.get(f, "radio_buttons")](v) for f, v in values.items()}
        response = await self.slack.submit(view, states, user=self.user_id(person))
        assert response.status == 200
        ack = await response.json() if response.content_length else {}
        if ack.get("response_action") == "errors":
            shown = Card(" ".join(ack["errors"].values()), source=ack)
        else:
            shown = _card(ack["view"]) if "view" in ack else Card("")
        self._saw(person, shown.text)
        await self.settle()
        return shown

    def aimed(self, form: Form, round_id: str) -> Form:
        metadata = json.loads(form.source["private_metadata"])
        view = {**form.source, "private_metadata": json.dumps({**metadata, "round": round_id})}
        return _form(view)

    def replies(self, person: str) -> list[str]:
        user = self.user_id(person)
        direct = [
            (n, 1, block_text(call.args.get("blocks", [])))
            for n, call in enumerate(self.slack.api.calls)
            if call.method == "chat.postMessage" and call.ok and call.args["channel"] == user
        ]
        seen = [(n, 0, text) for n, who, text in self._seen if who == person]
        return [text for *_, text in sorted(direct + seen)]

    def channel_posts(self) -> list[Post]:
        api = self.slack.api
        posts = [
            c
            for c in api.calls_to("chat.postMessage", ok_only=True)
            if c.args["channel"] == CHANNEL
        ]
        updates = [c.args["ts"] for c in api.calls_to("chat.update", ok_only=True)]
        return [
            Post(
                block_text(message.get("blocks", [])),
                _buttons(message.get("blocks", [])),
                source=message,
                thread=[
                    block_text(reply.args["blocks"])
                    for reply in posts
                    if reply.args.get("thread_ts") == call.response["ts"]
                ],
                updates=updates.count(call.response["ts"]),
            )
            for call in posts
            if not call.args.get("thread_ts")
            for message in [api.messages[(CHANNEL, call.response["ts"])]]
        ]

    async def another_team(self) -> str:
        self.slack.api.channel_members[OTHER_CHANNEL] = [self.user_id(p) for p in PEOPLE]
        team = await self.pulse.set_up_team(
            ChannelRef("slack", WORKSPACE, OTHER_CHANNEL), TeamSettings(language="en")
        )
        return (await self.pulse.open_round(team.id)).id

    def refuse_next_post(self) -> None:
        self.slack.api.fail_next("chat.postMessage", status=200, error="not_in_channel")

    async def uninstall(self) -> None:
        response = await self.slack.event({"type": "app_uninstalled"}, event_id="EvGone")
        assert response.status == 200
        await self.settle()

    async def reinstall(self) -> None:
        """In single-workspace mode the token stays configured: nothing to do."""

    async def settle(self) -> None:
        await settle()

    async def _answered(self, person: str, request: Awaitable[ClientResponse]) -> Card:
        """What `person` saw after a command or a press: private replies or a form."""
        api = self.slack.api
        replies, forms = len(api.responses), len(api.calls_to("views.open"))
        assert (await request).status == 200
        await self.settle()
        await until(lambda: len(api.responses) > replies or len(api.calls_to("views.open")) > forms)
        shown: list[Card] = []
        for reply in [r.body for r in api.responses[replies:]]:
            # Whatever answers one person stays with them: never shared, never replacing.
            assert reply["response_type"] == "ephemeral", reply
            assert reply["replace_original"] is False, reply
            shown.append(_card(reply))
        shown += [_form(call.args["view"]) for call in api.calls_to("views.open")[forms:]]
        for card in shown:
            self._saw(person, card.text)
        return shown[-1]

    def _saw(self, person: str, text: str) -> None:
        self._seen.append((len(self.slack.api.calls), person, text))


def _buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    return {
        element["action_id"]: str(element.get("value", ""))
        for block in blocks
        for element in block.get("elements", [])
        if "action_id" in element
    }


def _card(message: Mapping[str, Any]) -> Card:
    blocks = list(message.get("blocks", []))
    return Card(block_text(blocks), _buttons(blocks), source=message)


def _form(view: dict[str, Any]) -> Form:
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    return Form(
        block_text(view["blocks"]),
        source=view,
        fields=[b["block_id"] for b in inputs],
        options={
            b["block_id"]: [o["value"] for o in b["element"].get("options", [])] for b in inputs
        },
        defaults={b["block_id"]: _initial(b["element"]) for b in inputs if _initial(b["element"])},
    )


def _initial(element: Mapping[str, Any]) -> str:
    if "initial_option" in element:
        return str(element["initial_option"]["value"])
    if "initial_users" in element:
        return ",".join(element["initial_users"])
    if "initial_options" in element:
        return ",".join(o["value"] for o in element["initial_options"])
    return str(element.get("initial_value", ""))


@asynccontextmanager
async def slack_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[SlackPlatform]:
    """Slack in single-workspace mode; everyone speaks English until told otherwise."""
    async with running_slack(tmp_path, monkeypatch) as slack:
        platform = SlackPlatform(slack, tmp_path / "tryghed.db")
        slack.api.channel_members[CHANNEL] = [*map(platform.user_id, PEOPLE), BOT]
        for person in PEOPLE:
            platform.speaks(person, "en")
        yield platform
        slack.api.assert_clean()
