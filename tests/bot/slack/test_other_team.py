"""An answer only counts for the team of the channel it came from (R3: another team's round)."""

from __future__ import annotations

import json

from surveys.team import ChannelRef, TeamSettings
from tests.bot.slack.conftest import PEOPLE
from tests.bot.slack.harness import CHANNEL, Slack, block_text, radio, until
from tests.bot.slack.test_loop import answer, button, set_up, start_pulse

OTHER_CHANNEL = "C0002"
# In the person's own language (the fake Slack's people use Danish), not the other team's.
REFUSED = "hører til et andet teams kanal"


async def _other_round(slack: Slack, channel: ChannelRef) -> str:
    """A round of a team living in `channel`, opened by its schedule (no command needed)."""
    slack.api.channel_members[channel.channel_id] = list(PEOPLE)
    team = await slack.pulse.set_up_team(channel, TeamSettings(language="en"))
    return (await slack.pulse.open_round(team.id)).id


async def _answer_view(slack: Slack, round_id: str) -> dict[str, object]:
    """A form the bot opened for one of our own rounds, re-aimed at `round_id`: what a
    hostile or confused client could send back."""
    await set_up(slack)
    own = button((await start_pulse(slack)).args, "tryghed_answer")["value"]
    await slack.press("tryghed_answer", own, user=PEOPLE[2])
    await until(lambda: bool(slack.api.calls_to("views.open")))
    view = dict(slack.api.calls_to("views.open")[-1].args["view"])
    assert json.loads(str(view["private_metadata"])) == {"round": own, "channel": CHANNEL}
    return view


def _answers(view: dict[str, object]) -> dict[str, dict[str, object]]:
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    return {b["block_id"]: radio("4") for b in blocks if b["type"] == "input"}


async def test_pressing_answer_with_another_channels_round_is_refused(slack: Slack) -> None:
    other = await _other_round(slack, ChannelRef("slack", "T0001", OTHER_CHANNEL))
    await slack.press("tryghed_answer", other, user=PEOPLE[1])
    await until(lambda: bool(slack.replies()))
    assert REFUSED in slack.last_reply_text()
    assert slack.api.calls_to("views.open") == []
    assert (await slack.pulse.status(other)).respondents == 0


async def test_a_form_aimed_at_another_channels_round_counts_nothing(slack: Slack) -> None:
    other = await _other_round(slack, ChannelRef("slack", "T0001", OTHER_CHANNEL))
    view = await _answer_view(slack, other)
    view["private_metadata"] = json.dumps({"round": other, "channel": CHANNEL})
    ack = await (await slack.submit(view, _answers(view), user=PEOPLE[2])).json()
    assert ack["response_action"] == "update"
    assert REFUSED in block_text(ack["view"]["blocks"])
    assert (await slack.pulse.status(other)).respondents == 0


async def test_a_bare_round_id_from_another_workspace_counts_nothing(slack: Slack) -> None:
    # A form opened before the channel rode along carries only the round: the workspace
    # the submission came from must still be the round's.
    other = await _other_round(slack, ChannelRef("slack", "T0999", "C0999"))
    view = await _answer_view(slack, other)
    view["private_metadata"] = other
    ack = await (await slack.submit(view, _answers(view), user=PEOPLE[2])).json()
    assert REFUSED in block_text(ack["view"]["blocks"])
    assert (await slack.pulse.status(other)).respondents == 0


async def test_the_own_channels_form_still_counts(slack: Slack) -> None:
    await set_up(slack)
    round_id = button((await start_pulse(slack)).args, "tryghed_answer")["value"]
    ack = await answer(slack, round_id, PEOPLE[3], value=4)
    assert "Your answer counts" in block_text(ack["view"]["blocks"])
    assert (await slack.pulse.status(round_id)).respondents == 1
