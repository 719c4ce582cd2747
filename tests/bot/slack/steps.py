"""The steps of a round in Slack, for the tests of what only Slack does: set up, start a
pulse, open the form, answer (the platform-neutral scenarios: tests/scenarios/chat/)."""

from __future__ import annotations

from typing import Any

from content.loader import default_pack
from surveys.hack_effect import helped_hack
from tests.bot.slack.conftest import FACILITATOR
from tests.bot.slack.harness import CHANNEL, Slack, block_text, radio, until
from tests.fakes.slack_api import SlackCall

SETUP = "setup weekly mon 09:00 Europe/Copenhagen en"


async def set_up(slack: Slack, text: str = SETUP) -> None:
    """The facilitator sets the channel up inline."""
    response = await slack.command(text, user=FACILITATOR)
    assert response.status == 200
    await until(lambda: len(slack.replies()) >= 1)


async def start_pulse(slack: Slack) -> SlackCall:
    """The facilitator starts a round; returns the channel message."""
    before = len(channel_posts(slack))
    await slack.command("pulse", user=FACILITATOR)
    await until(lambda: len(channel_posts(slack)) > before)
    return channel_posts(slack)[-1]


def button(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    """The button with `action_id` in a message's blocks."""
    for block in message.get("blocks", []):
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no {action_id} button")


async def open_form(slack: Slack, round_id: str, user: str) -> dict[str, Any]:
    """`user` presses Answer; returns the modal the bot opened."""
    before = len(slack.api.calls_to("views.open"))
    await slack.press("tryghed_answer", round_id, user=user)
    await until(lambda: len(slack.api.calls_to("views.open")) > before)
    return dict(slack.api.calls_to("views.open")[-1].args["view"])


async def answer(slack: Slack, round_id: str, user: str, value: int) -> dict[str, Any]:
    """`user` opens the form and answers `value` (its mirror on reverse-keyed statements, and
    `value` to whether a done hack helped)."""
    view = await open_form(slack, round_id, user)
    bank = default_pack()

    def mirrored(item: str) -> bool:
        return helped_hack(item) is None and bank.statement(item).reverse

    answers = {
        block["block_id"]: radio(str(6 - value if mirrored(block["block_id"]) else value))
        for block in view["blocks"]
        if block["type"] == "input"
    }
    response = await slack.submit(view, answers, user=user)
    assert response.status == 200
    return dict(await response.json())


def channel_posts(slack: Slack) -> list[SlackCall]:
    return [
        c
        for c in slack.api.calls_to("chat.postMessage", ok_only=True)
        if c.args["channel"] == CHANNEL
    ]


async def reply_to(slack: Slack, text: str, *, user: str = FACILITATOR) -> str:
    """Run a command and return the private reply's text."""
    before = len(slack.replies())
    assert (await slack.command(text, user=user)).status == 200
    await until(lambda: len(slack.replies()) > before)
    return block_text(slack.replies()[-1].get("blocks", []))
