"""Every command word on every platform, who may use it, the setup form, and the friendly
answers to wrong use."""

from __future__ import annotations

import pytest

from tests.scenarios.chat.platform import FACILITATOR, PEOPLE, SETUP, Platform, form
from tests.scenarios.chat.steps import set_up

REFUSED = "The team's facilitators and leaders can do that"
DANISH_SETUP = "opsæt ugentlig man 09:00 Europe/Copenhagen da"
FIELDS = [
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


async def reply_to(platform: Platform, text: str, person: str = FACILITATOR) -> str:
    """What `person` alone sees after typing `text` in the channel."""
    return (await platform.say(person, text)).text


async def test_help_about_and_hacks_work_before_setup(platform: Platform) -> None:
    # A Danish client gets Danish in a channel that is not set up yet.
    platform.speaks(PEOPLE[5], "da")
    assert f"{platform.prefix} opsæt" in await reply_to(platform, "help", PEOPLE[5])
    assert "Inkludere" in await reply_to(platform, "om", PEOPLE[5])
    hacks = await reply_to(platform, "hacks", PEOPLE[5])
    assert "pre-mortem" in hacks
    assert "Check-in-runde" in hacks
    assert "Sådan bruger I Tryghed" in await reply_to(platform, "", PEOPLE[5])
    assert "How to use Tryghed" in await reply_to(platform, "help", PEOPLE[6])


async def test_unknown_words_and_unset_channels_get_a_kind_answer(platform: Platform) -> None:
    platform.speaks(FACILITATOR, "da")
    assert "”dance” kender vi ikke" in await reply_to(platform, "dance")
    assert "Denne kanal er ikke sat op endnu" in await reply_to(platform, "pulse")
    assert "Denne kanal er ikke sat op endnu" in await reply_to(platform, "status")
    assert "isn't set up yet" in await reply_to(platform, "status", PEOPLE[1])


async def test_only_facilitators_and_leaders_run_the_team(platform: Platform) -> None:
    await set_up(platform)
    for command in ("pulse", "close", "pause", "resume", "hack", SETUP):
        assert REFUSED in await reply_to(platform, command, PEOPLE[6])
    assert platform.channel_posts() == []


async def test_pause_and_resume(platform: Platform) -> None:
    await set_up(platform)
    assert "The team is paused" in await reply_to(platform, "pause")
    assert "The team is paused, so no rounds start" in await reply_to(platform, "pulse")
    assert "Paused" in await reply_to(platform, "status", PEOPLE[3])
    assert "The team is back on" in await reply_to(platform, "genoptag")
    assert "The pulse is posted" in await reply_to(platform, "puls")


async def test_closing_without_an_open_round_and_opening_two(platform: Platform) -> None:
    await set_up(platform)
    assert "There's no open round right now" in await reply_to(platform, "close")
    await reply_to(platform, "pulse")
    assert "A round is already open" in await reply_to(platform, "pulse")
    assert "0 of 9 have answered" in await reply_to(platform, "status")


async def test_bad_inline_setup_words_are_explained(platform: Platform) -> None:
    assert "We don't understand" not in await reply_to(platform, SETUP)
    assert "“sometimes” in a setup" in await reply_to(platform, "setup sometimes")
    assert "HH:MM" in await reply_to(platform, "setup 25:00")
    assert "time zone" in await reply_to(platform, "setup Mars/Olympus")
    assert "trend 8" in await reply_to(platform, "trend lots")
    assert "“no-such-hack”" in await reply_to(platform, "hack no-such-hack")


def filled(platform: Platform, **changes: str) -> dict[str, str]:
    """The setup form filled in: every other Wednesday, p9 leads, p1 and p8 facilitate."""
    values = {
        "cadence": "biweekly",
        "weekday": "2",
        "time": "10:30",
        "timezone": "Europe/Copenhagen",
        "language": "en",
        "round_hours": "48",
        "min_respondents": "6",
        "reminders": "",
        "leaders": platform.user_id(PEOPLE[8]),
        "facilitators": f"{platform.user_id(FACILITATOR)},{platform.user_id(PEOPLE[7])}",
    }
    return values | changes


async def test_setup_with_the_form(platform: Platform) -> None:
    setup = form(await platform.say(FACILITATOR, "setup"))
    assert setup.fields == FIELDS
    assert setup.options["min_respondents"][0] == "3"

    saved = (await platform.submit(FACILITATOR, setup, filled(platform))).text
    assert "Every other week, Wednesday at 10:30" in saved
    # A new team: the form, too, ends with the kickoff.
    assert "Before the first round: a 15-minute kickoff" in saved
    leader = platform.user_id(PEOPLE[8])
    facilitators = {platform.user_id(FACILITATOR), platform.user_id(PEOPLE[7])}
    (team,) = await platform.pulse.teams_with_role(
        platform.name, platform.channel.workspace_id, leader
    )
    settings = team.settings
    assert (settings.min_respondents, settings.round_hours, settings.reminders) == (6, 48, False)
    assert settings.leaders == {leader}
    assert settings.facilitators == facilitators
    # The form opens again with what was saved, for a leader too.
    again = form(await platform.say(PEOPLE[8], "setup"))
    assert again.defaults["time"] == "10:30"
    assert set(again.defaults["facilitators"].split(",")) == facilitators


async def test_the_form_says_what_is_wrong_and_saves_nothing(platform: Platform) -> None:
    setup = form(await platform.say(FACILITATOR, "setup"))
    refused = await platform.submit(FACILITATOR, setup, filled(platform, time="half past ten"))
    assert "HH:MM" in refused.text
    facilitator = platform.user_id(FACILITATOR)
    workspace = platform.channel.workspace_id
    assert await platform.pulse.teams_with_role(platform.name, workspace, facilitator) == []


async def test_someone_must_run_the_team(platform: Platform) -> None:
    setup = form(await platform.say(FACILITATOR, "setup"))
    await platform.submit(FACILITATOR, setup, filled(platform, leaders="", facilitators=""))
    facilitator = platform.user_id(FACILITATOR)
    workspace = platform.channel.workspace_id
    teams = await platform.pulse.teams_with_role(platform.name, workspace, facilitator)
    assert [t.settings.facilitators for t in teams] == [frozenset({facilitator})]


async def test_the_form_of_a_team_refuses_someone_who_does_not_run_it(platform: Platform) -> None:
    await set_up(platform)
    setup = form(await platform.say(FACILITATOR, "setup"))
    refused = await platform.submit(PEOPLE[5], setup, filled(platform))
    assert "facilitators and leaders" in refused.text
    team = await platform.pulse.team_in(platform.channel)
    assert team.settings.round_hours == 72


async def test_a_channel_the_bot_cannot_post_in_is_explained(platform: Platform) -> None:
    if not platform.can_keep_bot_out:
        pytest.skip(f"{platform.name} never keeps the bot out of its channel")
    await set_up(platform)
    platform.refuse_next_post()
    assert platform.cannot_post in await reply_to(platform, "pulse")
    # Nothing half-done is left: once the bot may post, the pulse starts.
    assert "The pulse is posted" in await reply_to(platform, "pulse")


async def test_danish_help_shows_the_danish_words(platform: Platform) -> None:
    platform.speaks(PEOPLE[5], "da")
    text = await reply_to(platform, "hjælp", PEOPLE[5])
    for usage in (
        "opsæt [ugentlig|hver-anden-uge|månedlig] [man..søn] [TT:MM]",
        "puls",
        "luk",
        "udvikling [antal runder]",
        "om",
        "fortsæt",
        "slet",
    ):
        assert f"{platform.prefix} {usage}" in text, usage
    for english in ("setup", "pulse", "close", "trend", "about", "resume", "delete"):
        assert f"{platform.prefix} {english}" not in text
    # Every word shown is one the bot takes: the English usage lines, too.
    english_help = await reply_to(platform, "help", PEOPLE[6])
    assert f"{platform.prefix} setup [weekly|biweekly|monthly]" in english_help


async def test_danish_refusals_name_the_danish_words(platform: Platform) -> None:
    platform.speaks(FACILITATOR, "da")
    assert f"{platform.prefix} opsæt" in await reply_to(platform, "puls")  # not set up yet
    await reply_to(platform, DANISH_SETUP)
    assert f"{platform.prefix} fortsæt" in await reply_to(platform, "pause")
    assert f"Skriv {platform.prefix} fortsæt" in await reply_to(platform, "puls")
    assert "Teamet er i gang igen" in await reply_to(platform, "fortsæt")


async def test_a_hack_started_by_its_danish_name(platform: Platform) -> None:
    await reply_to(platform, DANISH_SETUP)
    hacks = await reply_to(platform, "hacks")
    assert "brugsanvisning" in hacks
    assert "working-manual" not in hacks
    assert "Min brugsanvisning" in await reply_to(platform, "hack brugsanvisning")
    (card,) = platform.channel_posts()
    assert "Min brugsanvisning" in card.text
    assert "Del kun det, du har lyst til at dele" in card.text
    # Typed without æ, ø, å; and the English id still works.
    assert "Ugens læring" in await reply_to(platform, "hack ugens-laering")
    assert "Pre-mortem" in await reply_to(platform, "hack pre-mortem")
    unknown = await reply_to(platform, "hack brugsanvisningen")
    assert "Vi kender ikke hacket ”brugsanvisningen”" in unknown
    assert f"{platform.prefix} hacks" in unknown


async def test_a_new_teams_setup_ends_with_the_kickoff(platform: Platform) -> None:
    first = await reply_to(platform, DANISH_SETUP)
    assert "Teamet er sat op" in first
    assert "Før første runde: et opstartsmøde på 15 minutter" in first
    assert f"Fælles viden: Læs {platform.prefix} om sammen" in first
    assert f"Start så første runde med {platform.prefix} puls" in first
    assert "aldrig til at finde ud af, hvem der svarede hvad" in first
    # Changing the hour later only confirms it.
    again = await reply_to(platform, "opsæt 10:00")
    assert "Teamet er sat op" in again
    assert "opstartsmøde" not in again
