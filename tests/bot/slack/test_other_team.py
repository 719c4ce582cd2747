"""A Slack answer form carries its round and channel; one that carries only a round (opened
before the channel rode along) still counts only for the workspace it came from (R3)."""

from __future__ import annotations

import json

from surveys.team import ChannelRef, TeamSettings
from tests.bot.slack.conftest import PEOPLE
from tests.bot.slack.harness import CHANNEL, Slack, block_text, radio
from tests.bot.slack.steps import button, open_form, set_up, start_pulse


async def test_a_bare_round_id_from_another_workspace_counts_nothing(slack: Slack) -> None:
    elsewhere = ChannelRef("slack", "T0999", "C0999")
    slack.api.channel_members[elsewhere.channel_id] = list(PEOPLE)
    team = await slack.pulse.set_up_team(elsewhere, TeamSettings(language="en"))
    other = (await slack.pulse.open_round(team.id)).id
    await set_up(slack)
    own = button((await start_pulse(slack)).args, "tryghed_answer")["value"]
    view = await open_form(slack, own, PEOPLE[2])
    assert json.loads(str(view["private_metadata"])) == {"round": own, "channel": CHANNEL}

    view["private_metadata"] = other
    answers = {b["block_id"]: radio("4") for b in view["blocks"] if b["type"] == "input"}
    ack = await (await slack.submit(view, answers, user=PEOPLE[2])).json()
    # In the person's own language (the fake Slack's people use Danish).
    assert "hører til et andet teams kanal" in block_text(ack["view"]["blocks"])
    assert (await slack.pulse.status(other)).respondents == 0
