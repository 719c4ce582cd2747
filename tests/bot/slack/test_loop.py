"""The whole loop in Slack, over HTTP: set up, pulse, answer, remind, close, hack, trend."""

from __future__ import annotations

import asyncio
from typing import Any

from content.loader import default_pack
from surveys.hack_effect import helped_hack, helped_item
from tests.bot.slack.conftest import FACILITATOR, PEOPLE
from tests.bot.slack.harness import (
    CHANNEL,
    Slack,
    block_text,
    radio,
    settle,
    until,
    until_at_least,
)
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


async def test_inline_setup_then_status(slack: Slack) -> None:
    await set_up(slack)
    assert (
        "The team is set up: Every week, Monday at 09:00 (Europe/Copenhagen)"
        in slack.last_reply_text()
    )
    reply = slack.replies()[-1]
    assert reply["response_type"] == "ephemeral"
    await slack.command("status", user=PEOPLE[4])
    await until(lambda: len(slack.replies()) == 2)
    text = slack.last_reply_text()
    assert "Every week, Monday at 09:00 (Europe/Copenhagen), 72 hours to answer" in text
    assert "0 leader(s), 1 facilitator(s)" in text
    assert "None right now" in text


async def test_a_round_from_pulse_to_summary(slack: Slack) -> None:
    await set_up(slack)
    message = await start_pulse(slack)
    assert message.args["channel"] == CHANNEL
    text = block_text(message.args["blocks"])
    assert "Safety pulse" in text
    assert (
        "0 of 9 have answered – results show once at least 5 besides the team's leaders "
        "and facilitators have answered" in text
    )
    assert "Anonymous" in text
    round_id = button(message.args, "tryghed_answer")["value"]

    for n, person in enumerate(PEOPLE[:6]):
        ack = await answer(slack, round_id, person, value=4)
        assert ack["response_action"] == "update"
        assert "Your answer counts – anonymously" in block_text(ack["view"]["blocks"])
        await until_at_least(lambda: len(slack.api.calls_to("chat.update", ok_only=True)), n + 1)
    form = slack.api.calls_to("views.open")[0].args["view"]
    inputs = [b for b in form["blocks"] if b["type"] == "input"]
    assert len(inputs) == 4
    assert all(b["element"]["type"] == "radio_buttons" for b in inputs)
    assert [o["value"] for o in inputs[0]["element"]["options"]] == ["1", "2", "3", "4", "5"]
    updated = slack.api.calls_to("chat.update", ok_only=True)[-1].args
    assert updated["ts"] == message.response["ts"]
    assert "6 of 9 have answered" in block_text(updated["blocks"])
    assert "UP0" not in block_text(updated["blocks"])

    slack.clock.advance(hours=1)  # a round may be closed by hand after an hour

    await slack.command("close", user=FACILITATOR)
    await until(lambda: len(channel_posts(slack)) == 2)
    summary = channel_posts(slack)[-1].args
    summary_text = block_text(summary["blocks"])
    assert "How we're doing" in summary_text
    for pillar in ("Include", "Learn", "Contribute", "Challenge"):
        assert f"{pillar}" in summary_text
    assert " 75" in summary_text  # everyone agreed (4): 75 on every pillar
    assert "6 of 9 answered" in summary_text
    assert "A hack for you" in summary_text
    assert button(summary, "tryghed_start_discussion")["value"]
    # The pulse message now says the round has closed and has no Answer button.
    await until(
        lambda: (
            "This round has closed"
            in block_text(slack.api.calls_to("chat.update", ok_only=True)[-1].args["blocks"])
        )
    )
    closed = slack.api.calls_to("chat.update", ok_only=True)[-1].args
    assert "tryghed_answer" not in str(closed["blocks"])


async def test_answering_twice_is_counted_once(slack: Slack) -> None:
    await set_up(slack)
    message = await start_pulse(slack)
    round_id = button(message.args, "tryghed_answer")["value"]
    first = await answer(slack, round_id, PEOPLE[3], value=5)
    assert "Your answer counts" in block_text(first["view"]["blocks"])
    # Pressing Answer again: told kindly, privately, and no form.
    opened = len(slack.api.calls_to("views.open"))
    await slack.press("tryghed_answer", round_id, user=PEOPLE[3])
    await until(
        lambda: any("already counts" in block_text(r.get("blocks")) for r in slack.replies())
    )
    assert len(slack.api.calls_to("views.open")) == opened
    # Submitting an old form a second time: the same kind answer, in the modal.
    form = slack.api.calls_to("views.open")[-1].args["view"]
    values = {b["block_id"]: radio("1") for b in form["blocks"] if b["type"] == "input"}
    again = await (await slack.submit(form, values, user=PEOPLE[3])).json()
    assert "already counts" in block_text(again["view"]["blocks"])
    assert (await slack.pulse.status(round_id)).respondents == 1


async def test_below_the_threshold_the_summary_shows_nothing_else(slack: Slack) -> None:
    await set_up(slack)
    message = await start_pulse(slack)
    round_id = button(message.args, "tryghed_answer")["value"]
    for person in PEOPLE[:4]:
        await answer(slack, round_id, person, value=2)
    slack.clock.advance(hours=1)  # a round may be closed by hand after an hour
    await slack.command("close", user=FACILITATOR)
    await until(lambda: len(channel_posts(slack)) == 2)
    summary = block_text(channel_posts(slack)[-1].args["blocks"])
    assert (
        "Results hidden – fewer than 5 besides the team's leaders and facilitators "
        "answered" in summary
    )
    # Withheld means no count either: not in the summary, and not on the closed pulse message.
    assert "4 of 9" not in summary
    for word in ("Include", "Learn", "Contribute", "Challenge", "A hack for you", "```"):
        assert word not in summary
    await until(
        lambda: (
            "This round has closed"
            in block_text(slack.api.calls_to("chat.update", ok_only=True)[-1].args["blocks"])
        )
    )
    closed = block_text(slack.api.calls_to("chat.update", ok_only=True)[-1].args["blocks"])
    assert "4 of 9" not in closed
    assert "of 9 have answered" not in closed


async def test_the_reminder_goes_privately_once_to_those_who_have_not_answered(
    slack: Slack,
) -> None:
    await set_up(slack)
    message = await start_pulse(slack)
    round_id = button(message.args, "tryghed_answer")["value"]
    for person in PEOPLE[:3]:
        await answer(slack, round_id, person, value=3)
    assert await slack.pulse.remind(round_id) == 6
    assert await slack.pulse.remind(round_id) == 0
    reminded = [
        c.args["channel"]
        for c in slack.api.calls_to("chat.postMessage")
        if c.args["channel"] != CHANNEL
    ]
    assert sorted(reminded) == sorted(PEOPLE[3:])
    assert "UBOT" not in reminded
    assert "There's still time to answer" in block_text(
        slack.api.calls_to("chat.postMessage")[-1].args["blocks"]
    )


async def test_a_hack_discussion_and_we_did_it(slack: Slack) -> None:
    await set_up(slack)
    await slack.command("hack learn", user=FACILITATOR)
    await until(lambda: len(channel_posts(slack)) == 2)
    card, thread = channel_posts(slack)
    assert "Learn" in block_text(card.args["blocks"])
    assert thread.args["thread_ts"] == card.response["ts"]
    # The questions are for the talk at the meeting; the thread only for agreeing when and
    # what: nobody is asked to answer them in writing, with their name, before the leader.
    opener = block_text(thread.args["blocks"])
    assert "Questions for the talk at the meeting" in opener
    for text in (opener, block_text(card.args["blocks"])):
        assert "Have the talk face to face at your next meeting" in text
        assert "No one needs to answer the questions here" in text
        assert "thoughts" not in text
    hack_id = button(card.args, "tryghed_hack_done")["value"]
    await until(lambda: "is posted in the channel" in slack.last_reply_text())

    await slack.press(
        "tryghed_hack_done", hack_id, user=FACILITATOR, message_ts=card.response["ts"]
    )
    await until(lambda: len(slack.api.calls_to("chat.update", ok_only=True)) == 1)
    done = slack.api.calls_to("chat.update", ok_only=True)[0].args
    assert done["ts"] == card.response["ts"]
    assert "The team did it on" in block_text(done["blocks"])
    assert "tryghed_hack_done" not in str(done["blocks"])
    await until(lambda: "Thanks for trying" in slack.last_reply_text())


async def test_did_it_help_is_asked_on_the_next_pulse_after_we_did_it(slack: Slack) -> None:
    await set_up(slack)
    await slack.command("hack learn", user=FACILITATOR)
    await until(lambda: len(channel_posts(slack)) == 2)
    card = channel_posts(slack)[0]
    hack_id = button(card.args, "tryghed_hack_done")["value"]
    title = default_pack().hack(hack_id).title.en
    await slack.press(
        "tryghed_hack_done", hack_id, user=FACILITATOR, message_ts=card.response["ts"]
    )
    await until(lambda: "Thanks for trying" in slack.last_reply_text())
    message = await start_pulse(slack)
    round_id = button(message.args, "tryghed_answer")["value"]
    view = await open_form(slack, round_id, PEOPLE[1])
    assert helped_item(hack_id) in [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert f"“{title}” has made a difference for us in the team." in block_text(view["blocks"])
    for n, person in enumerate(PEOPLE[1:7]):  # k without the facilitator, and one more
        await answer(slack, round_id, person, value=2 if n == 0 else 4)
    slack.clock.advance(hours=1)  # a round may be closed by hand after an hour
    before = len(channel_posts(slack))
    await slack.command("close", user=FACILITATOR)
    await until(lambda: len(channel_posts(slack)) > before)
    summary_text = block_text(channel_posts(slack)[-1].args["blocks"])
    assert f"Has “{title}” made a difference? 5 of the 6 who answered agree" in summary_text


async def test_start_discussion_from_the_summary(slack: Slack) -> None:
    await set_up(slack)
    message = await start_pulse(slack)
    round_id = button(message.args, "tryghed_answer")["value"]
    for person in PEOPLE[1:6]:  # k without the facilitator
        await answer(slack, round_id, person, value=4)
    slack.clock.advance(hours=1)  # a round may be closed by hand after an hour
    await slack.command("close", user=FACILITATOR)
    await until(lambda: len(channel_posts(slack)) == 2)
    hack_id = button(channel_posts(slack)[-1].args, "tryghed_start_discussion")["value"]
    await slack.press("tryghed_start_discussion", hack_id, user=FACILITATOR)
    await until(lambda: len(channel_posts(slack)) == 4)
    card = channel_posts(slack)[2].args
    assert button(card, "tryghed_hack_done")["value"] == hack_id


async def test_trend_is_private_to_leaders_and_facilitators(slack: Slack) -> None:
    await set_up(slack)
    for week in range(2):
        message = await start_pulse(slack)
        round_id = button(message.args, "tryghed_answer")["value"]
        for person in PEOPLE[1:6]:  # k without the facilitator
            await answer(slack, round_id, person, value=4 - week)
        slack.clock.advance(hours=1)  # a round may be closed by hand after an hour
        await slack.command("close", user=FACILITATOR)
        await until_at_least(lambda: len(channel_posts(slack)), 2 * (week + 1))
    await slack.command("trend 4", user=FACILITATOR)
    await until(lambda: "The trend over 2 rounds" in slack.last_reply_text())
    trend = slack.last_reply_text()
    # The latest result; the two pulses asked different statements, so no arrow.
    assert "▇▅  50" in trend
    assert "▼" not in trend
    assert slack.replies()[-1]["response_type"] == "ephemeral"
    await slack.command("trend", user=PEOPLE[5])
    await until(lambda: "The trend over time is for the team's leaders" in slack.last_reply_text())


async def test_a_burst_of_answers_folds_into_few_updates_ending_on_the_right_count(
    slack: Slack,
) -> None:
    await set_up(slack)
    message = await start_pulse(slack)
    round_id = button(message.args, "tryghed_answer")["value"]
    forms = {person: await open_form(slack, round_id, person) for person in PEOPLE[1:7]}
    slack.api.latency = 0.2  # Slack is slow today: answers arrive while an update is out
    answers = {
        block["block_id"]: radio("4")
        for block in next(iter(forms.values()))["blocks"]
        if block["type"] == "input"
    }
    await asyncio.gather(
        *(slack.submit(form, answers, user=person) for person, form in forms.items())
    )
    await settle()
    updates = [
        call.args
        for call in slack.api.calls_to("chat.update", ok_only=True)
        if call.args["ts"] == message.response["ts"]
    ]
    assert 1 <= len(updates) < len(forms)
    assert "6 of 9 have answered" in block_text(updates[-1]["blocks"])
    slack.clock.advance(hours=1)  # a round may be closed by hand after an hour
    await slack.command("close", user=FACILITATOR)
    await until(lambda: len(channel_posts(slack)) == 2, seconds=10)
    await settle()
    last = slack.api.calls_to("chat.update", ok_only=True)[-1].args
    assert last["ts"] == message.response["ts"]
    assert "This round has closed" in block_text(last["blocks"])  # the closed state, last
