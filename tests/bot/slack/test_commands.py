"""Every `/tryghed` word in Slack, who may use it, and the friendly answers to wrong use."""

from __future__ import annotations

from typing import Any

from tests.bot.slack.conftest import FACILITATOR, PEOPLE
from tests.bot.slack.harness import (
    CHANNEL,
    Slack,
    block_text,
    checks,
    select,
    text_input,
    until,
    users,
)
from tests.bot.slack.test_loop import channel_posts

SETUP = "setup weekly mon 09:00 Europe/Copenhagen en"


async def reply_to(slack: Slack, text: str, *, user: str = FACILITATOR) -> str:
    """Run a command and return the private reply's text."""
    before = len(slack.replies())
    response = await slack.command(text, user=user)
    assert response.status == 200
    await until(lambda: len(slack.replies()) > before)
    reply = slack.replies()[-1]
    assert reply["response_type"] == "ephemeral"
    assert reply["replace_original"] is False
    return block_text(reply.get("blocks", []))


async def test_help_about_and_hacks_work_before_setup(slack: Slack) -> None:
    # The fake user's Slack locale is Danish, so an unset channel answers in Danish.
    assert "/tryghed opsæt" in await reply_to(slack, "help", user=PEOPLE[5])
    assert "Inkludere" in await reply_to(slack, "om", user=PEOPLE[5])
    hacks = await reply_to(slack, "hacks", user=PEOPLE[5])
    assert "pre-mortem" in hacks
    assert "Check-in-runde" in hacks
    assert "Sådan bruger I Tryghed" in await reply_to(slack, "", user=PEOPLE[5])


async def test_an_english_speaker_gets_english_before_setup(slack: Slack) -> None:
    slack.api.users["UEN"] = {"locale": "en-GB"}
    assert "How to use Tryghed" in await reply_to(slack, "help", user="UEN")


async def test_unknown_words_and_unset_channels_get_a_kind_answer(slack: Slack) -> None:
    assert "”dance” kender vi ikke" in await reply_to(slack, "dance")
    assert "Denne kanal er ikke sat op endnu" in await reply_to(slack, "pulse")
    assert "Denne kanal er ikke sat op endnu" in await reply_to(slack, "status")


async def test_only_facilitators_leaders_and_admins_run_the_team(slack: Slack) -> None:
    await reply_to(slack, SETUP)
    refused = "The team's facilitators and leaders can do that"
    for command in ("pulse", "close", "pause", "resume", "hack", SETUP):
        assert refused in await reply_to(slack, command, user=PEOPLE[6])
    assert slack.api.calls_to("chat.postMessage") == []
    slack.api.users["UADMIN"] = {"is_admin": True}
    assert "The pulse is posted in the channel" in await reply_to(slack, "pulse", user="UADMIN")


async def test_pause_and_resume(slack: Slack) -> None:
    await reply_to(slack, SETUP)
    assert "The team is paused" in await reply_to(slack, "pause")
    assert "The team is paused, so no rounds start" in await reply_to(slack, "pulse")
    assert "Paused" in await reply_to(slack, "status", user=PEOPLE[3])
    assert "The team is back on" in await reply_to(slack, "genoptag")
    assert "The pulse is posted" in await reply_to(slack, "puls")


async def test_closing_without_an_open_round_and_opening_two(slack: Slack) -> None:
    await reply_to(slack, SETUP)
    assert "There's no open round right now" in await reply_to(slack, "close")
    await reply_to(slack, "pulse")
    assert "A round is already open" in await reply_to(slack, "pulse")
    assert "0 of 9 have answered" in await reply_to(slack, "status")


async def test_bad_inline_setup_words_are_explained(slack: Slack) -> None:
    assert "We don't understand" not in await reply_to(slack, SETUP)
    assert "“sometimes” in a setup" in await reply_to(slack, "setup sometimes")
    assert "HH:MM" in await reply_to(slack, "setup 25:00")
    assert "time zone" in await reply_to(slack, "setup Mars/Olympus")
    assert "trend 8" in await reply_to(slack, "trend lots")
    assert "“no-such-hack”" in await reply_to(slack, "hack no-such-hack")


async def _setup_form(slack: Slack, user: str) -> dict[str, Any]:
    before = len(slack.api.calls_to("views.open"))
    await slack.command("setup", user=user)
    await until(lambda: len(slack.api.calls_to("views.open")) > before)
    call = slack.api.calls_to("views.open")[-1]
    assert call.args["trigger_id"].startswith("trigger-")
    return dict(call.args["view"])


def _form_answers(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    answers = {
        "cadence": select("biweekly"),
        "weekday": select("2"),
        "time": text_input("10:30"),
        "timezone": text_input("Europe/Copenhagen"),
        "language": select("en"),
        "round_hours": select("48"),
        "min_respondents": select("6"),
        "reminders": checks(),
        "leaders": users("ULEAD"),
        "facilitators": users(FACILITATOR),
    }
    return answers | changes


async def test_setup_with_the_form(slack: Slack) -> None:
    view = await _setup_form(slack, FACILITATOR)
    assert view["callback_id"] == "tryghed_setup_form"
    assert view["private_metadata"] == CHANNEL
    ids = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
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
    threshold = next(b for b in view["blocks"] if b.get("block_id") == "min_respondents")
    assert threshold["element"]["options"][0]["value"] == "3"

    ack = await (await slack.submit(view, _form_answers(), user=FACILITATOR)).json()
    assert ack["response_action"] == "update"
    assert "Every other week, Wednesday at 10:30" in block_text(ack["view"]["blocks"])
    # A new team: the form, too, ends with the kickoff.
    assert "Before the first round: a 15-minute kickoff" in block_text(ack["view"]["blocks"])
    teams = await slack.pulse.teams_with_role("slack", "T0001", "ULEAD")
    assert len(teams) == 1
    settings = teams[0].settings
    assert (settings.min_respondents, settings.round_hours, settings.reminders) == (6, 48, False)
    # The form opens again with what was saved.
    again = await _setup_form(slack, "ULEAD")
    time_block = next(b for b in again["blocks"] if b.get("block_id") == "time")
    assert time_block["element"]["initial_value"] == "10:30"


async def test_the_form_points_at_the_field_that_is_wrong(slack: Slack) -> None:
    view = await _setup_form(slack, FACILITATOR)
    bad_time = _form_answers(time=text_input("half past ten"))
    ack = await (await slack.submit(view, bad_time, user=FACILITATOR)).json()
    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {"time"}
    bad_zone = _form_answers(timezone=text_input("Moon/Base"))
    ack = await (await slack.submit(view, bad_zone, user=FACILITATOR)).json()
    assert set(ack["errors"]) == {"timezone"}
    assert await slack.pulse.teams_with_role("slack", "T0001", FACILITATOR) == []


async def test_someone_must_run_the_team(slack: Slack) -> None:
    view = await _setup_form(slack, FACILITATOR)
    nobody = _form_answers(leaders=users(), facilitators=users())
    await slack.submit(view, nobody, user=FACILITATOR)
    teams = await slack.pulse.teams_with_role("slack", "T0001", FACILITATOR)
    assert [t.settings.facilitators for t in teams] == [frozenset({FACILITATOR})]


async def test_a_channel_without_the_bot_is_explained(slack: Slack) -> None:
    await reply_to(slack, SETUP)
    slack.api.fail_next("chat.postMessage", status=200, error="not_in_channel")
    assert "/invite @Tryghed" in await reply_to(slack, "pulse")
    # Nothing half-done is left: after inviting the bot, the pulse starts.
    assert "The pulse is posted" in await reply_to(slack, "pulse")


DANISH_SETUP = "opsæt ugentlig man 09:00 Europe/Copenhagen da"


async def test_danish_help_shows_the_danish_words(slack: Slack) -> None:
    text = await reply_to(slack, "hjælp", user=PEOPLE[5])
    for usage in (
        "/tryghed opsæt [ugentlig|hver-anden-uge|månedlig] [man..søn] [TT:MM]",
        "/tryghed puls",
        "/tryghed luk",
        "/tryghed udvikling [antal runder]",
        "/tryghed om",
        "/tryghed fortsæt",
        "/tryghed slet",
    ):
        assert usage in text, usage
    for english in ("setup", "pulse", "close", "trend", "about", "resume", "delete"):
        assert f"/tryghed {english}" not in text
    # Every word shown is one the bot takes: the Danish usage lines work as typed.
    slack.api.users["UEN"] = {"locale": "en-GB"}
    assert "/tryghed setup [weekly|biweekly|monthly]" in await reply_to(slack, "help", user="UEN")


async def test_danish_refusals_name_the_danish_words(slack: Slack) -> None:
    assert "/tryghed opsæt" in await reply_to(slack, "puls")  # not set up yet
    await reply_to(slack, DANISH_SETUP)
    assert "/tryghed fortsæt" in await reply_to(slack, "pause")
    assert "Skriv /tryghed fortsæt" in await reply_to(slack, "puls")
    assert "Teamet er i gang igen" in await reply_to(slack, "fortsæt")


async def test_a_hack_started_by_its_danish_name(slack: Slack) -> None:
    await reply_to(slack, DANISH_SETUP)
    hacks = await reply_to(slack, "hacks")
    assert "brugsanvisning" in hacks
    assert "working-manual" not in hacks
    assert "Min brugsanvisning" in await reply_to(slack, "hack brugsanvisning")
    await until(lambda: len(channel_posts(slack)) == 2)
    card, _thread = channel_posts(slack)
    assert "Min brugsanvisning" in block_text(card.args["blocks"])
    assert "Del kun det, du har lyst til at dele" in block_text(card.args["blocks"])
    # Typed without æ, ø, å; and the English id still works.
    assert "Ugens læring" in await reply_to(slack, "hack ugens-laering")
    assert "Pre-mortem" in await reply_to(slack, "hack pre-mortem")
    unknown = await reply_to(slack, "hack brugsanvisningen")
    assert "Vi kender ikke hacket ”brugsanvisningen”" in unknown
    assert "/tryghed hacks" in unknown


async def test_a_new_teams_setup_ends_with_the_kickoff(slack: Slack) -> None:
    first = await reply_to(slack, DANISH_SETUP)
    assert "Teamet er sat op" in first
    assert "Før første runde: et opstartsmøde på 15 minutter" in first
    assert "Fælles viden: Læs /tryghed om sammen" in first
    assert "Start så første runde med /tryghed puls" in first
    assert "aldrig til at finde ud af, hvem der svarede hvad" in first
    # Changing the hour later only confirms it.
    again = await reply_to(slack, "opsæt 10:00")
    assert "Teamet er sat op" in again
    assert "opstartsmøde" not in again
