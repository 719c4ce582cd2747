"""An answer only counts for the team of the channel it came from (R3: another team's round)."""

from __future__ import annotations

from tests.bot.msteams.harness import (
    CHANNEL,
    FACILITATOR,
    PEOPLE,
    Teams,
    action,
    card_text,
    inputs,
    invoke_body,
)
from tests.bot.msteams.test_loop import SETUP, answer, open_form, set_up, start_pulse

OTHER_CHANNEL = "19:other-channel-0002@thread.tacv2"
REFUSED = "belongs to another team's channel"


async def _other_round(teams: Teams) -> str:
    """A round of the team living in another channel of the same Teams team."""
    teams.connector.rosters[OTHER_CHANNEL] = list(PEOPLE)
    await teams.say(SETUP, person=FACILITATOR, channel=OTHER_CHANNEL)
    await teams.say("pulse", person=FACILITATOR, channel=OTHER_CHANNEL)
    (thread,) = teams.connector.threads(OTHER_CHANNEL)
    return str(action(thread.cards[0], "tryghed_answer")["data"]["value"])


async def test_answer_pressed_in_one_channel_for_anothers_round_is_refused(teams: Teams) -> None:
    other = await _other_round(teams)
    await set_up(teams)
    pulse = await start_pulse(teams)
    response = await teams.execute(
        "tryghed_answer",
        {"value": other},
        person=PEOPLE[1],
        conversation=teams.in_channel(CHANNEL, str(pulse.response["activityId"])),
        reply_to=str(pulse.response["activityId"]),
    )
    body = await invoke_body(response)
    assert REFUSED in str(body["value"])
    assert (await teams.pulse.status(other)).respondents == 0


async def test_a_form_sent_from_one_channel_for_anothers_round_counts_nothing(
    teams: Teams,
) -> None:
    other = await _other_round(teams)
    await set_up(teams)
    pulse = await start_pulse(teams)
    form = await open_form(teams, pulse, PEOPLE[1])
    submit = action(form, "tryghed_answer_form")
    answers = {block["id"]: "4" for block in inputs(form)}
    aimed = {**form, "actions": [{**submit, "data": {**submit["data"], "reference": other}}]}
    body = await teams.press(
        pulse, "tryghed_answer_form", person=PEOPLE[1], card=aimed, answers=answers
    )
    assert REFUSED in card_text(body["value"])
    assert (await teams.pulse.status(other)).respondents == 0
    # The person may still answer their own team's round.
    own = await answer(teams, pulse, PEOPLE[1], value=4)
    assert "Your answer counts" in card_text(own["value"])
