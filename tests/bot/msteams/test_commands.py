"""Every `@Tryghed` word in Teams, who may use it, the setup form, and the 1:1 chat."""

from __future__ import annotations

from typing import Any

from tests.bot.msteams.harness import (
    CHANNEL,
    FACILITATOR,
    PEOPLE,
    TENANT,
    Teams,
    action,
    card_text,
    inputs,
)
from tests.bot.msteams.test_loop import SETUP, start_pulse

MESSAGE = "application/vnd.microsoft.activity.message"


async def reply_to(teams: Teams, text: str, *, person: Any = FACILITATOR, **kw: Any) -> str:
    """Run a command in the channel and return the private reply's text."""
    before = len(teams.chat(person))
    response = await teams.say(text, person=person, **kw)
    assert response.status in (200, 201)
    assert len(teams.chat(person)) == before + 1, "no private reply"
    return card_text(teams.chat(person)[-1])


async def test_help_about_and_hacks_work_before_setup(teams: Teams) -> None:
    # A Danish Teams client gets Danish in a channel that is not set up yet.
    assert "@Tryghed opsæt" in await reply_to(teams, "help", locale="da-DK")
    assert "Inkludere" in await reply_to(teams, "om", locale="da-DK")
    hacks = await reply_to(teams, "hacks", locale="da-DK")
    assert "pre-mortem" in hacks
    assert "Check-in-runde" in hacks
    assert "Sådan bruger I Tryghed" in await reply_to(teams, "", locale="da-DK")
    assert "How to use Tryghed" in await reply_to(teams, "help", locale="en-GB")


async def test_the_mention_and_teams_markup_are_not_part_of_the_command(teams: Teams) -> None:
    await reply_to(teams, SETUP)
    text = await reply_to(teams, "trend&nbsp;<b>8</b>")
    assert "The trend over 0 rounds" in text


async def test_unknown_words_and_unset_channels_get_a_kind_answer(teams: Teams) -> None:
    assert "”dance” kender vi ikke" in await reply_to(teams, "dance", locale="da-DK")
    assert "isn't set up yet" in await reply_to(teams, "pulse")
    assert "isn't set up yet" in await reply_to(teams, "status")


async def test_only_facilitators_leaders_run_the_team(teams: Teams) -> None:
    await reply_to(teams, SETUP)
    refused = "The team's facilitators and leaders can do that"
    for command in ("pulse", "close", "pause", "resume", "hack", SETUP):
        assert refused in await reply_to(teams, command, person=PEOPLE[6])
    assert teams.connector.threads(CHANNEL) == []


async def test_pause_and_resume(teams: Teams) -> None:
    await reply_to(teams, SETUP)
    assert "The team is paused" in await reply_to(teams, "pause")
    assert "The team is paused, so no rounds start" in await reply_to(teams, "pulse")
    assert "Paused" in await reply_to(teams, "status", person=PEOPLE[3])
    assert "The team is back on" in await reply_to(teams, "genoptag")
    assert "The pulse is posted" in await reply_to(teams, "puls")


async def test_closing_without_an_open_round_and_opening_two(teams: Teams) -> None:
    await reply_to(teams, SETUP)
    assert "There's no open round right now" in await reply_to(teams, "close")
    await reply_to(teams, "pulse")
    assert "A round is already open" in await reply_to(teams, "pulse")
    assert "0 of 9 have answered" in await reply_to(teams, "status")


async def test_a_channel_the_bot_cannot_post_in_is_explained(teams: Teams) -> None:
    await reply_to(teams, SETUP)
    teams.connector.fail_next("conversations", status=403, retry_after=None)
    text = await reply_to(teams, "pulse")
    assert "Tryghed can't post in this channel yet" in text
    assert "/invite" not in text
    # Nothing half-done is left: once Teams lets the bot post, the pulse starts.
    assert "The pulse is posted" in await reply_to(teams, "pulse")


async def _setup_form(teams: Teams, person: Any) -> dict[str, Any]:
    await reply_to(teams, "setup", person=person)
    return teams.chat(person)[-1]


def _form_answers(**changes: str) -> dict[str, str]:
    answers = {
        "cadence": "biweekly",
        "weekday": "2",
        "time": "10:30",
        "timezone": "Europe/Copenhagen",
        "language": "en",
        "round_hours": "48",
        "min_respondents": "6",
        "reminders": "",
        "leaders": PEOPLE[8].aad,
        "facilitators": f"{FACILITATOR.aad},{PEOPLE[7].aad}",
    }
    return answers | changes


async def test_setup_with_the_form(teams: Teams) -> None:
    form = await _setup_form(teams, FACILITATOR)
    ids = [b["id"] for b in inputs(form)]
    assert ids == [
        "cadence",
        "weekday",
        "time",
        "timezone",
        "language",
        "round_hours",
        "min_respondents",
        "reminders",
        "leaders",
        "facilitators",
    ]
    leaders = next(b for b in inputs(form) if b["id"] == "leaders")
    assert leaders["isMultiSelect"] is True
    assert {c["title"] for c in leaders["choices"]} == {p.name for p in PEOPLE}
    assert {c["value"] for c in leaders["choices"]} == {p.aad for p in PEOPLE}
    submit = action(form, "tryghed_setup_form")
    assert submit["data"]["reference"] == CHANNEL

    saved = await teams.press_in_chat(
        form, "tryghed_setup_form", person=FACILITATOR, answers=_form_answers()
    )
    assert "Every other week, Wednesday at 10:30" in card_text(saved["value"])
    # A new team: the form, too, ends with the kickoff.
    assert "Before the first round: a 15-minute kickoff" in card_text(saved["value"])
    (team,) = await teams.pulse.teams_with_role("teams", TENANT, PEOPLE[8].aad)
    settings = team.settings
    assert (settings.min_respondents, settings.round_hours, settings.reminders) == (6, 48, False)
    assert settings.leaders == {PEOPLE[8].aad}
    assert settings.facilitators == {FACILITATOR.aad, PEOPLE[7].aad}
    # The form opens again with what was saved, for a leader too.
    again = await _setup_form(teams, PEOPLE[8])
    time_input = next(b for b in inputs(again) if b["id"] == "time")
    assert time_input["value"] == "10:30"
    facilitators = next(b for b in inputs(again) if b["id"] == "facilitators")
    assert set(facilitators["value"].split(",")) == {FACILITATOR.aad, PEOPLE[7].aad}


async def test_the_form_says_what_is_wrong_and_keeps_what_was_typed(teams: Teams) -> None:
    form = await _setup_form(teams, FACILITATOR)
    bad_time = await teams.press_in_chat(
        form, "tryghed_setup_form", person=FACILITATOR, answers=_form_answers(time="half ten")
    )
    # A message, not a new card: the form stays as the person filled it in.
    assert bad_time["type"] == MESSAGE
    assert "HH:MM" in bad_time["value"]
    assert await teams.pulse.teams_with_role("teams", TENANT, FACILITATOR.aad) == []


async def test_someone_must_run_the_team(teams: Teams) -> None:
    form = await _setup_form(teams, FACILITATOR)
    nobody = _form_answers(leaders="", facilitators="")
    await teams.press_in_chat(form, "tryghed_setup_form", person=FACILITATOR, answers=nobody)
    teams_ = await teams.pulse.teams_with_role("teams", TENANT, FACILITATOR.aad)
    assert [t.settings.facilitators for t in teams_] == [frozenset({FACILITATOR.aad})]


async def test_the_form_of_a_team_refuses_someone_who_does_not_run_it(teams: Teams) -> None:
    await reply_to(teams, SETUP)
    form = await _setup_form(teams, FACILITATOR)
    refused = await teams.press_in_chat(
        form, "tryghed_setup_form", person=PEOPLE[5], answers=_form_answers()
    )
    assert "facilitators and leaders" in card_text(refused["value"])
    (team,) = await teams.pulse.teams_with_role("teams", TENANT, FACILITATOR.aad)
    assert team.settings.round_hours == 72


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


async def test_a_closed_round_takes_no_more_answers(teams: Teams) -> None:
    await reply_to(teams, SETUP)
    pulse = await start_pulse(teams)
    form = (await teams.press(pulse, "tryghed_answer", person=PEOPLE[2]))["value"]
    teams.clock.advance(hours=1)  # a round may be closed by hand after an hour
    await teams.say("close", person=FACILITATOR)
    pressed = await teams.press(pulse, "tryghed_answer", person=PEOPLE[3])
    assert pressed["type"] == MESSAGE
    assert "This round has closed" in pressed["value"]
    values = {b["id"]: "4" for b in inputs(form)}
    late = await teams.press(
        pulse, "tryghed_answer_form", person=PEOPLE[2], card=form, answers=values
    )
    assert "This round has closed" in card_text(late["value"])
    round_id = action(pulse.cards[0], "tryghed_answer")["data"]["value"]
    assert (await teams.pulse.status(round_id)).respondents == 0


DANISH_SETUP = "opsæt ugentlig man 09:00 Europe/Copenhagen da"


async def test_danish_help_shows_the_danish_words(teams: Teams) -> None:
    text = await reply_to(teams, "hjælp", locale="da-DK")
    for usage in ("@Tryghed opsæt [ugentlig|hver-anden-uge|månedlig]", "@Tryghed puls"):
        assert usage in text, usage
    for usage in ("@Tryghed luk", "@Tryghed om", "@Tryghed fortsæt", "@Tryghed slet"):
        assert usage in text, usage
    for english in ("setup", "pulse", "close", "trend", "about", "resume", "delete"):
        assert f"@Tryghed {english}" not in text


async def test_a_hack_started_by_its_danish_name(teams: Teams) -> None:
    await reply_to(teams, DANISH_SETUP)
    assert "brugsanvisning" in await reply_to(teams, "hacks")
    assert "Min brugsanvisning" in await reply_to(teams, "hack brugsanvisning")
    (thread,) = teams.connector.threads(CHANNEL)
    assert "Min brugsanvisning" in card_text(thread.body)


async def test_a_new_teams_setup_ends_with_the_kickoff(teams: Teams) -> None:
    first = await reply_to(teams, DANISH_SETUP)
    assert "Før første runde: et opstartsmøde på 15 minutter" in first
    assert "Læs @Tryghed om sammen" in first
    assert "Start så første runde med @Tryghed puls" in first
    assert "opstartsmøde" not in await reply_to(teams, "opsæt 10:00")
