"""What a stale or hostile client sends counts nothing, on every platform (R3): another
team's round, a closed round, answers that do not fit the form."""

from __future__ import annotations

from tests.scenarios.chat.platform import PEOPLE, Form, Platform, form
from tests.scenarios.chat.steps import answer, close, round_of, set_up, start_pulse

# In the person's own language (Danish here), not the other team's (English).
REFUSED = "hører til et andet teams kanal"


async def test_answer_pressed_for_another_teams_round_is_refused(platform: Platform) -> None:
    other = await platform.another_team()
    platform.speaks(PEOPLE[1], "da")
    await set_up(platform)
    pulse = await start_pulse(platform)
    refused = await platform.press(PEOPLE[1], "tryghed_answer", pulse, value=other)
    assert REFUSED in refused.text
    assert not isinstance(refused, Form)  # no form opened
    assert (await platform.pulse.status(other)).respondents == 0


async def test_a_form_aimed_at_another_teams_round_counts_nothing(platform: Platform) -> None:
    other = await platform.another_team()
    platform.speaks(PEOPLE[1], "da")
    await set_up(platform)
    pulse = await start_pulse(platform)
    opened = form(await platform.press(PEOPLE[1], "tryghed_answer", pulse))
    aimed = platform.aimed(opened, other)
    refused = await platform.submit(PEOPLE[1], aimed, dict.fromkeys(opened.fields, "4"))
    assert REFUSED in refused.text
    assert (await platform.pulse.status(other)).respondents == 0
    # The person may still answer their own team's round.
    assert "Your answer counts" in (await answer(platform, pulse, PEOPLE[1], value=4)).text
    assert (await platform.pulse.status(round_of(pulse))).respondents == 1


async def test_a_closed_round_takes_no_more_answers(platform: Platform) -> None:
    await set_up(platform)
    pulse = await start_pulse(platform)
    stale = form(await platform.press(PEOPLE[2], "tryghed_answer", pulse))
    await close(platform)
    pressed = await platform.press(PEOPLE[3], "tryghed_answer", pulse, value=round_of(pulse))
    assert "This round has closed" in pressed.text
    late = await platform.submit(PEOPLE[2], stale, dict.fromkeys(stale.fields, "4"))
    assert "This round has closed" in late.text
    assert (await platform.pulse.status(round_of(pulse))).respondents == 0


async def test_answers_that_do_not_fit_count_nothing(platform: Platform) -> None:
    await set_up(platform)
    pulse = await start_pulse(platform)
    opened = form(await platform.press(PEOPLE[1], "tryghed_answer", pulse))
    statements = list(opened.fields)
    for values in (
        dict.fromkeys(statements, "9"),
        dict.fromkeys(statements, "x"),
        {**dict.fromkeys(statements[1:], "3"), "no-such-statement": "3"},
        {statements[0]: "3"},
    ):
        refused = (await platform.submit(PEOPLE[1], opened, values)).text
        assert "Pick an answer for every statement" in refused or "couldn't" in refused
    nowhere = platform.aimed(opened, "nope")
    unknown = await platform.submit(PEOPLE[1], nowhere, dict.fromkeys(statements, "3"))
    assert "can't find that round" in unknown.text
    assert (await platform.pulse.status(round_of(pulse))).respondents == 0
