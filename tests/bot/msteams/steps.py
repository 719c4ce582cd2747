"""The steps of a round in Teams, for the tests of what only Teams does: set up, start a
pulse, open the form, answer, follow the pulse card (the platform-neutral scenarios:
tests/scenarios/chat/)."""

from __future__ import annotations

from typing import Any

from content.loader import default_pack
from surveys.hack_effect import helped_hack
from tests.bot.msteams.harness import CHANNEL, FACILITATOR, Teams, inputs, until
from tests.fakes.bot_connector import ConnectorCall, Person

SETUP = "setup weekly mon 09:00 Europe/Copenhagen en"
CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"


async def set_up(teams: Teams, text: str = SETUP) -> None:
    """The facilitator sets the channel up inline."""
    before = len(teams.chat(FACILITATOR))
    response = await teams.say(text, person=FACILITATOR)
    assert response.status in (200, 201)
    assert len(teams.chat(FACILITATOR)) == before + 1


async def start_pulse(teams: Teams) -> ConnectorCall:
    """The facilitator starts a round; returns the new thread with the pulse card."""
    before = len(teams.connector.threads(CHANNEL))
    await teams.say("pulse", person=FACILITATOR)
    threads = teams.connector.threads(CHANNEL)
    assert len(threads) == before + 1
    return threads[-1]


async def open_form(teams: Teams, pulse: ConnectorCall, person: Person) -> dict[str, Any]:
    """`person` presses Answer; returns the form card shown to them only."""
    body = await teams.press(pulse, "tryghed_answer", person=person)
    assert body["type"] == CARD, body
    return dict(body["value"])


async def answer(teams: Teams, pulse: ConnectorCall, person: Person, value: int) -> dict[str, Any]:
    """`person` opens the form and answers `value` (its mirror on reverse-keyed statements,
    and `value` to whether a done hack helped)."""
    form = await open_form(teams, pulse, person)
    bank = default_pack()
    answers = {
        block["id"]: str(
            6 - value
            if helped_hack(block["id"]) is None and bank.statement(block["id"]).reverse
            else value
        )
        for block in inputs(form)
    }
    return await teams.press(
        pulse, "tryghed_answer_form", person=person, card=form, answers=answers
    )


def updates_of(teams: Teams, thread: ConnectorCall) -> list[ConnectorCall]:
    """The updates of the card that started `thread`."""
    return [
        c
        for c in teams.connector.calls_to("update")
        if c.activity_id == thread.response["activityId"]
    ]


async def until_updated(teams: Teams, thread: ConnectorCall, times: int) -> None:
    """Wait until the card that started `thread` was updated `times` times."""
    await until(lambda: len(updates_of(teams, thread)) >= times)


def current_card(teams: Teams, thread: ConnectorCall) -> dict[str, Any]:
    """The card that started `thread`, as everyone sees it now."""
    message = teams.connector.message(thread.response["id"], thread.response["activityId"])
    return dict(message["attachments"][0]["content"])
