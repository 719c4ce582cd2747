"""What only Teams has around `@Tryghed`: the mention and its markup, the setup form's roster,
the 1:1 chat as the leader's home, and older clients (the words themselves, on every
platform: tests/scenarios/chat/test_commands.py)."""

from __future__ import annotations

from typing import Any

from tests.bot.msteams.harness import (
    CHANNEL,
    FACILITATOR,
    PEOPLE,
    Teams,
    action,
    card_text,
    inputs,
)
from tests.bot.msteams.steps import SETUP, start_pulse

MESSAGE = "application/vnd.microsoft.activity.message"


async def reply_to(teams: Teams, text: str, *, person: Any = FACILITATOR, **kw: Any) -> str:
    """Run a command in the channel and return the private reply's text."""
    before = len(teams.chat(person))
    response = await teams.say(text, person=person, **kw)
    assert response.status in (200, 201)
    assert len(teams.chat(person)) == before + 1, "no private reply"
    return card_text(teams.chat(person)[-1])


async def test_the_mention_and_teams_markup_are_not_part_of_the_command(teams: Teams) -> None:
    await reply_to(teams, SETUP)
    text = await reply_to(teams, "trend&nbsp;<b>8</b>")
    assert "The trend over 0 rounds" in text


async def _setup_form(teams: Teams, person: Any) -> dict[str, Any]:
    await reply_to(teams, "setup", person=person)
    return teams.chat(person)[-1]


async def test_the_setup_form_picks_people_from_the_roster(teams: Teams) -> None:
    form = await _setup_form(teams, FACILITATOR)
    leaders = next(b for b in inputs(form) if b["id"] == "leaders")
    assert leaders["isMultiSelect"] is True
    assert {c["title"] for c in leaders["choices"]} == {p.name for p in PEOPLE}
    assert {c["value"] for c in leaders["choices"]} == {p.aad for p in PEOPLE}
    submit = action(form, "tryghed_setup_form")
    assert submit["data"]["reference"] == CHANNEL
    bad_time = await teams.press_in_chat(
        form, "tryghed_setup_form", person=FACILITATOR, answers={"time": "half ten"}
    )
    # A message, not a new card: the form stays as the person filled it in.
    assert bad_time["type"] == MESSAGE
    assert "HH:MM" in bad_time["value"]


async def test_the_private_chat_is_the_leaders_home(teams: Teams) -> None:
    await reply_to(teams, SETUP)
    await start_pulse(teams)
    teams.clock.advance(hours=1)  # a round may be closed by hand after an hour
    await teams.say("close", person=FACILITATOR)
    response = await teams.say_privately("trend", person=FACILITATOR)
    assert response.status in (200, 201)
    home = card_text(teams.chat(FACILITATOR)[-1])
    assert "Your teams" in home or "trend" in home.lower()
    assert "The trend over 1 rounds" in home
    await teams.say_privately("trend", person=PEOPLE[4])
    assert "not a leader or facilitator of a team yet" in card_text(teams.chat(PEOPLE[4])[-1])
    await teams.say_privately("setup weekly", person=PEOPLE[4])
    assert "type @Tryghed setup there" in card_text(teams.chat(PEOPLE[4])[-1])
    await teams.say_privately("help", person=PEOPLE[4])
    assert "How to use Tryghed" in card_text(teams.chat(PEOPLE[4])[-1])
    # Replies in a personal chat are posted in it, not in a new one.
    chat = teams.connector.chats[PEOPLE[4].teams_id]
    assert all(
        c.conversation_id == chat
        for c in teams.connector.calls_to("send")
        if c.cards and "How to use Tryghed" in card_text(c.cards[0])
    )


async def test_a_submit_from_an_older_client_is_answered_privately(teams: Teams) -> None:
    await reply_to(teams, SETUP)
    pulse = await start_pulse(teams)
    round_id = action(pulse.cards[0], "tryghed_answer")["data"]["value"]
    # Action.Submit (the fallback) arrives as a message whose value is the action's data.
    activity = teams.activity(
        "message",
        person=PEOPLE[2],
        conversation=teams.in_channel(CHANNEL, pulse.response["activityId"]),
        value={"verb": "tryghed_answer", "value": round_id},
    )
    response = await teams.post(activity)
    assert response.status in (200, 201)
    form = teams.chat(PEOPLE[2])[-1]
    assert [b["type"] for b in inputs(form)] == ["Input.ChoiceSet"] * 4
