"""A burst of answers updates the shared pulse message a few times, ending on the right count
and then on "closed" (Slack redraws the message for everyone)."""

from __future__ import annotations

import asyncio

from tests.bot.slack.conftest import FACILITATOR, PEOPLE
from tests.bot.slack.harness import Slack, block_text, radio, settle, until
from tests.bot.slack.steps import button, channel_posts, open_form, set_up, start_pulse


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
