"""The whole loop on every platform: set up, pulse, answer, remind, close, hack, trend."""

from __future__ import annotations

import re

from content.loader import default_pack
from surveys.hack_effect import helped_item
from tests.scenarios.chat.platform import FACILITATOR, PEOPLE, Platform, form
from tests.scenarios.chat.steps import answer, close, round_of, set_up, start_pulse, until

PILLARS = ("Include", "Learn", "Contribute", "Challenge")


async def test_inline_setup_then_status(platform: Platform) -> None:
    reply = await set_up(platform)
    assert "The team is set up: Every week, Monday at 09:00 (Europe/Copenhagen)" in reply.text
    status = (await platform.say(PEOPLE[4], "status")).text
    assert "Every week, Monday at 09:00 (Europe/Copenhagen), 72 hours to answer" in status
    assert "0 leader(s), 1 facilitator(s)" in status
    assert "None right now" in status
    assert platform.channel_posts() == []  # replies are private


async def test_a_round_from_pulse_to_summary(platform: Platform) -> None:
    await set_up(platform)
    assert "The pulse is posted in the channel" in (await platform.say(FACILITATOR, "pulse")).text
    (pulse,) = platform.channel_posts()
    assert "Safety pulse" in pulse.text
    assert (
        "0 of 9 have answered – results show once at least 5 besides the team's leaders "
        "and facilitators have answered" in pulse.text
    )
    assert "Anonymous" in pulse.text

    for answered, person in enumerate(PEOPLE[:6], start=1):
        thanks = await answer(platform, pulse, person, value=4)
        assert "Your answer counts – anonymously" in thanks.text
        await until(lambda: platform.channel_posts()[0].updates >= answered)  # noqa: B023 (awaited in this turn)
    opened = form(await platform.press(PEOPLE[7], "tryghed_answer", pulse))
    assert len(opened.fields) == 4
    assert all(opened.options[item] == ["1", "2", "3", "4", "5"] for item in opened.fields)

    await until(lambda: "6 of 9 have answered" in platform.channel_posts()[0].text)
    shared = platform.channel_posts()[0]
    for person in PEOPLE:
        for identity in platform.identities(person):
            assert identity not in str(shared.source)

    summary = await close(platform)
    assert len(platform.channel_posts()) == 2  # the counts changed the pulse post itself
    assert "How we're doing" in summary.text
    for pillar in PILLARS:
        assert pillar in summary.text
    assert " 75" in summary.text  # everyone agreed (4): 75 on every pillar
    assert "6 of 9 answered" in summary.text
    assert "A hack for you" in summary.text
    assert summary.actions["tryghed_start_discussion"]
    # The pulse post now says the round has closed and has no Answer button.
    await until(lambda: "This round has closed" in platform.channel_posts()[0].text)
    assert "tryghed_answer" not in platform.channel_posts()[0].actions


async def test_answering_twice_is_counted_once(platform: Platform) -> None:
    await set_up(platform)
    pulse = await start_pulse(platform)
    first = await answer(platform, pulse, PEOPLE[3], value=5)
    assert "Your answer counts" in first.text
    # Pressing Answer again: told kindly, privately, and no form.
    again = await platform.press(PEOPLE[3], "tryghed_answer", pulse)
    assert "already counts" in again.text
    assert not again.text.startswith("Safety pulse")
    # Sending an old form a second time: the same kind answer.
    old = form(await platform.press(PEOPLE[4], "tryghed_answer", pulse))
    twice = await platform.submit(PEOPLE[3], old, dict.fromkeys(old.fields, "1"))
    assert "already counts" in twice.text
    assert (await platform.pulse.status(round_of(pulse))).respondents == 1


async def test_below_the_threshold_the_summary_shows_nothing_else(platform: Platform) -> None:
    await set_up(platform)
    pulse = await start_pulse(platform)
    for person in PEOPLE[:4]:
        await answer(platform, pulse, person, value=2)
    summary = (await close(platform)).text
    assert (
        "Results hidden – fewer than 5 besides the team's leaders and facilitators "
        "answered" in summary
    )
    # Withheld means no count either: not in the summary, and not on the closed pulse post.
    assert "4 of 9" not in summary
    for word in (*PILLARS, "A hack for you", "```"):
        assert word not in summary
    await until(lambda: "This round has closed" in platform.channel_posts()[0].text)
    closed = platform.channel_posts()[0].text
    assert "4 of 9" not in closed
    assert "of 9 have answered" not in closed


async def test_the_reminder_goes_privately_once_to_those_who_have_not_answered(
    platform: Platform,
) -> None:
    await set_up(platform)
    pulse = await start_pulse(platform)
    for person in PEOPLE[:3]:
        await answer(platform, pulse, person, value=3)
    assert await platform.pulse.remind(round_of(pulse)) == 6  # people only, never the bot
    assert await platform.pulse.remind(round_of(pulse)) == 0
    for person in PEOPLE:
        reminders = [text for text in platform.replies(person) if "still time to answer" in text]
        assert len(reminders) == (0 if person in PEOPLE[:3] else 1), person


async def test_a_hack_discussion_and_we_did_it(platform: Platform) -> None:
    await set_up(platform)
    assert "is posted in the channel" in (await platform.say(FACILITATOR, "hack learn")).text
    (card,) = platform.channel_posts()
    assert "Learn" in card.text
    # The questions are for the talk at the meeting; the thread only for agreeing when and
    # what: nobody is asked to answer them in writing, with their name, before the leader.
    (opener,) = card.thread
    assert "Questions for the talk at the meeting" in opener
    for text in (opener, card.text):
        assert "Have the talk face to face at your next meeting" in text
        assert "No one needs to answer the questions here" in text
        assert "thoughts" not in text

    refused = await platform.press(PEOPLE[6], "tryghed_hack_done", card)
    assert "facilitators and leaders" in refused.text
    assert platform.channel_posts()[0].updates == 0

    done = await platform.press(FACILITATOR, "tryghed_hack_done", card)
    assert "Thanks for trying" in done.text
    assert "The next pulse asks, anonymously, whether it made a difference" in done.text
    await until(lambda: platform.channel_posts()[0].updates == 1)
    (card,) = platform.channel_posts()
    assert "The team did it on" in card.text
    assert "tryghed_hack_done" not in card.actions


async def test_did_it_help_is_asked_on_the_next_pulse_after_we_did_it(platform: Platform) -> None:
    await set_up(platform)
    await platform.say(FACILITATOR, "hack learn")
    (card,) = platform.channel_posts()
    hack_id = card.actions["tryghed_hack_done"]
    title = default_pack().hack(hack_id).title.en
    await platform.press(FACILITATOR, "tryghed_hack_done", card)
    pulse = await start_pulse(platform)
    opened = form(await platform.press(PEOPLE[1], "tryghed_answer", pulse))
    assert helped_item(hack_id) in opened.fields
    assert f"“{title}” has made a difference for us in the team." in opened.text
    for n, person in enumerate(PEOPLE[1:7]):  # k without the facilitator, and one more
        await answer(platform, pulse, person, value=2 if n == 0 else 4)
    summary = await close(platform)
    assert f"Has “{title}” made a difference? 5 of the 6 who answered agree" in summary.text


async def test_start_discussion_from_the_summary(platform: Platform) -> None:
    await set_up(platform)
    pulse = await start_pulse(platform)
    for person in PEOPLE[1:6]:  # k without the facilitator
        await answer(platform, pulse, person, value=4)
    summary = await close(platform)
    hack_id = summary.actions["tryghed_start_discussion"]
    started = await platform.press(FACILITATOR, "tryghed_start_discussion", summary)
    assert "is posted in the channel" in started.text
    await until(lambda: len(platform.channel_posts()) == 3)
    assert platform.channel_posts()[-1].actions["tryghed_hack_done"] == hack_id


async def test_trend_is_private_to_leaders_and_facilitators(platform: Platform) -> None:
    await set_up(platform)
    for week in range(2):
        pulse = await start_pulse(platform)
        for person in PEOPLE[1:6]:  # k without the facilitator
            await answer(platform, pulse, person, value=4 - week)
        await close(platform)
    posts = len(platform.channel_posts())
    trend = (await platform.say(FACILITATOR, "trend 4")).text
    assert "The trend over 2 rounds" in trend
    # The latest result; the two pulses asked different statements, so no arrow.
    assert re.search(r"▇▅\s+50", trend)
    assert "▼" not in trend
    assert len(platform.channel_posts()) == posts  # nothing in the channel
    refused = (await platform.say(PEOPLE[5], "trend")).text
    assert "The trend over time is for the team's leaders" in refused
