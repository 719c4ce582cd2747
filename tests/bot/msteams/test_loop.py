"""The whole loop in Teams, over HTTP: set up, pulse, answer, remind, close, hack, trend."""

from __future__ import annotations

from typing import Any

from content.loader import default_pack
from surveys.hack_effect import helped_hack, helped_item
from tests.bot.msteams.harness import (
    CHANNEL,
    FACILITATOR,
    PEOPLE,
    Teams,
    action,
    actions,
    card_text,
    inputs,
    until,
)
from tests.fakes.bot_connector import ConnectorCall, Person

SETUP = "setup weekly mon 09:00 Europe/Copenhagen en"
CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"


async def set_up(teams: Teams, text: str = SETUP) -> None:
    """The facilitator sets the channel up inline."""
    before = len(teams.chat(FACILITATOR))
    response = await teams.say(text, person=FACILITATOR)
    assert response.status in (200, 201)
    assert len(teams.chat(FACILITATOR)) == before + 1


async def start_pulse(teams: Teams) -> ConnectorCall:
    """The facilitator starts a round; returns the new thread with the pulse card."""
    before = len(teams.connector.threads(CHANNEL))
    await teams.say("pulse", person=FACILITATOR)
    threads = teams.connector.threads(CHANNEL)
    assert len(threads) == before + 1
    return threads[-1]


async def open_form(teams: Teams, pulse: ConnectorCall, person: Person) -> dict[str, Any]:
    """`person` presses Answer; returns the form card shown to them only."""
    body = await teams.press(pulse, "tryghed_answer", person=person)
    assert body["type"] == CARD, body
    return dict(body["value"])


async def answer(teams: Teams, pulse: ConnectorCall, person: Person, value: int) -> dict[str, Any]:
    """`person` opens the form and answers `value` (its mirror on reverse-keyed statements,
    and `value` to whether a done hack helped)."""
    form = await open_form(teams, pulse, person)
    bank = default_pack()
    answers = {
        block["id"]: str(
            6 - value
            if helped_hack(block["id"]) is None and bank.statement(block["id"]).reverse
            else value
        )
        for block in inputs(form)
    }
    return await teams.press(
        pulse, "tryghed_answer_form", person=person, card=form, answers=answers
    )


def updates_of(teams: Teams, thread: ConnectorCall) -> list[ConnectorCall]:
    """The updates of the card that started `thread`."""
    return [
        c
        for c in teams.connector.calls_to("update")
        if c.activity_id == thread.response["activityId"]
    ]


async def until_updated(teams: Teams, thread: ConnectorCall, times: int) -> None:
    """Wait until the card that started `thread` was updated `times` times."""
    await until(lambda: len(updates_of(teams, thread)) >= times)


def current_card(teams: Teams, thread: ConnectorCall) -> dict[str, Any]:
    """The card that started `thread`, as everyone sees it now."""
    message = teams.connector.message(thread.response["id"], thread.response["activityId"])
    return dict(message["attachments"][0]["content"])


async def test_inline_setup_then_status(teams: Teams) -> None:
    await set_up(teams)
    assert (
        "The team is set up: Every week, Monday at 09:00 (Europe/Copenhagen)"
        in teams.last_private_text(FACILITATOR)
    )
    await teams.say("status", person=PEOPLE[4])
    text = teams.last_private_text(PEOPLE[4])
    assert "Every week, Monday at 09:00 (Europe/Copenhagen), 72 hours to answer" in text
    assert "0 leader(s), 1 facilitator(s)" in text
    # Nothing was said in the channel: replies go to each person's 1:1 chat.
    assert teams.connector.threads(CHANNEL) == []
    assert teams.connector.calls_to("reply") == []


async def test_a_round_from_pulse_to_summary(teams: Teams) -> None:
    await set_up(teams)
    pulse = await start_pulse(teams)
    body = pulse.body
    assert body["isGroup"] is True
    assert (body.get("tenantId") or body.get("tenantID")) == "tenant-1"
    assert body["channelData"]["channel"]["id"] == CHANNEL
    assert pulse.response["id"] == f"{CHANNEL};messageid={pulse.response['activityId']}"
    text = card_text(pulse.cards[0])
    assert "Safety pulse" in text
    assert (
        "0 of 9 have answered – results show once at least 5 besides the team's leaders "
        "and facilitators have answered" in text
    )
    assert "Anonymous" in text
    assert "The pulse is posted in the channel" in teams.last_private_text(FACILITATOR)

    for n, person in enumerate(PEOPLE[:6]):
        thanks = await answer(teams, pulse, person, value=4)
        assert thanks["type"] == CARD
        assert "Your answer counts – anonymously" in card_text(thanks["value"])
        await until_updated(teams, pulse, n + 1)

    form = await open_form(teams, pulse, PEOPLE[7])
    choice_sets = inputs(form)
    assert len(choice_sets) == 4
    assert all(b["type"] == "Input.ChoiceSet" and b["isRequired"] for b in choice_sets)
    assert [c["value"] for c in choice_sets[0]["choices"]] == ["1", "2", "3", "4", "5"]
    submit = action(form, "tryghed_answer_form")
    assert submit["fallback"]["type"] == "Action.Submit"
    assert submit["fallback"]["data"]["verb"] == "tryghed_answer_form"

    shared = current_card(teams, pulse)
    assert "6 of 9 have answered" in card_text(shared)
    for person in PEOPLE:
        assert person.aad not in str(shared)
        assert person.teams_id not in str(shared)

    teams.clock.advance(hours=1)  # a round may be closed by hand after an hour

    await teams.say("close", person=FACILITATOR)
    threads = teams.connector.threads(CHANNEL)
    assert len(threads) == 2
    summary = threads[-1].cards[0]
    summary_text = card_text(summary)
    assert "How we're doing" in summary_text
    for pillar in ("Include", "Learn", "Contribute", "Challenge"):
        assert pillar in summary_text
    assert " 75" in summary_text  # everyone agreed (4): 75 on every pillar
    assert "6 of 9 answered" in summary_text
    assert "A hack for you" in summary_text
    assert action(summary, "tryghed_start_discussion")["data"]["value"]
    closed = current_card(teams, pulse)
    assert "This round has closed" in card_text(closed)
    assert "tryghed_answer" not in [a["verb"] for a in actions(closed)]


async def test_answering_twice_is_counted_once(teams: Teams) -> None:
    await set_up(teams)
    pulse = await start_pulse(teams)
    first = await answer(teams, pulse, PEOPLE[3], value=5)
    assert "Your answer counts" in card_text(first["value"])
    # Pressing Answer again: told kindly, only them, and the card stays as it is.
    again = await teams.press(pulse, "tryghed_answer", person=PEOPLE[3])
    assert again["type"] == MESSAGE
    assert "already counts" in again["value"]
    # Sending an old form a second time: the same kind answer, in the card.
    form = await open_form(teams, pulse, PEOPLE[4])
    values = {b["id"]: "1" for b in inputs(form)}
    twice = await teams.press(
        pulse, "tryghed_answer_form", person=PEOPLE[3], card=form, answers=values
    )
    assert "already counts" in card_text(twice["value"])
    round_id = action(pulse.cards[0], "tryghed_answer")["data"]["value"]
    assert (await teams.pulse.status(round_id)).respondents == 1


async def test_below_the_threshold_the_summary_shows_nothing_else(teams: Teams) -> None:
    await set_up(teams)
    pulse = await start_pulse(teams)
    for person in PEOPLE[:4]:
        await answer(teams, pulse, person, value=2)
    teams.clock.advance(hours=1)  # a round may be closed by hand after an hour
    await teams.say("close", person=FACILITATOR)
    summary = card_text(teams.connector.threads(CHANNEL)[-1].cards[0])
    assert (
        "Results hidden – fewer than 5 besides the team's leaders and facilitators "
        "answered" in summary
    )
    # Withheld means no count either: not in the summary, and not on the closed pulse card.
    assert "4 of 9" not in summary
    for word in ("Include", "Learn", "Contribute", "Challenge", "A hack for you"):
        assert word not in summary
    closed = card_text(current_card(teams, pulse))
    assert "This round has closed" in closed
    assert "4 of 9" not in closed
    assert "of 9 have answered" not in closed


async def test_the_reminder_goes_privately_once_to_those_who_have_not_answered(
    teams: Teams,
) -> None:
    await set_up(teams)
    pulse = await start_pulse(teams)
    for person in PEOPLE[:3]:
        await answer(teams, pulse, person, value=3)
    round_id = action(pulse.cards[0], "tryghed_answer")["data"]["value"]
    assert await teams.pulse.remind(round_id) == 6
    assert await teams.pulse.remind(round_id) == 0
    for person in PEOPLE[3:]:
        assert "There's still time to answer" in teams.last_private_text(person)
    for person in PEOPLE[1:3]:
        assert teams.chat(person) == []
    chats = [
        member["id"]
        for c in teams.connector.calls_to("conversations")
        for member in c.body.get("members") or []
    ]
    assert not any(member.startswith("28:") for member in chats)


async def test_a_hack_discussion_and_we_did_it(teams: Teams) -> None:
    await set_up(teams)
    await teams.say("hack learn", person=FACILITATOR)
    (thread,) = teams.connector.threads(CHANNEL)
    card = thread.cards[0]
    assert "Learn" in card_text(card)
    (questions,) = [
        c for c in teams.connector.calls_to("send") if c.conversation_id == thread.response["id"]
    ]
    # The questions are for the talk at the meeting; the thread only for agreeing when and
    # what: nobody is asked to answer them in writing, with their name, before the leader.
    opener = card_text(questions.cards[0])
    assert "Questions for the talk at the meeting" in opener
    for text in (opener, card_text(card)):
        assert "Have the talk face to face at your next meeting" in text
        assert "No one needs to answer the questions here" in text
        assert "thoughts" not in text
    assert "is posted in the channel" in teams.last_private_text(FACILITATOR)

    refused = await teams.press(thread, "tryghed_hack_done", person=PEOPLE[6])
    assert refused["type"] == MESSAGE
    assert "facilitators and leaders" in refused["value"]
    assert updates_of(teams, thread) == []

    done = await teams.press(thread, "tryghed_hack_done", person=FACILITATOR)
    assert done["type"] == MESSAGE
    assert "Thanks for trying" in done["value"]
    assert "The next pulse asks, anonymously, whether it made a difference" in done["value"]
    (update,) = updates_of(teams, thread)
    assert "The team did it on" in card_text(update.cards[0])
    assert "tryghed_hack_done" not in [a["verb"] for a in actions(update.cards[0])]


async def test_did_it_help_is_asked_on_the_next_pulse_after_we_did_it(teams: Teams) -> None:
    await set_up(teams)
    await teams.say("hack learn", person=FACILITATOR)
    (thread,) = teams.connector.threads(CHANNEL)
    hack_id = action(thread.cards[0], "tryghed_hack_done")["data"]["value"]
    title = default_pack().hack(hack_id).title.en
    await teams.press(thread, "tryghed_hack_done", person=FACILITATOR)
    pulse = await start_pulse(teams)
    form = await open_form(teams, pulse, PEOPLE[1])
    assert helped_item(hack_id) in [block["id"] for block in inputs(form)]
    assert f"“{title}” has made a difference for us in the team." in card_text(form)
    for n, person in enumerate(PEOPLE[1:7]):  # k without the facilitator, and one more
        await answer(teams, pulse, person, value=2 if n == 0 else 4)
    teams.clock.advance(hours=1)  # a round may be closed by hand after an hour
    await teams.say("close", person=FACILITATOR)
    summary_text = card_text(teams.connector.threads(CHANNEL)[-1].cards[0])
    assert f"Has “{title}” made a difference? 5 of the 6 who answered agree" in summary_text


async def test_start_discussion_from_the_summary(teams: Teams) -> None:
    await set_up(teams)
    pulse = await start_pulse(teams)
    for person in PEOPLE[1:6]:  # k without the facilitator
        await answer(teams, pulse, person, value=4)
    teams.clock.advance(hours=1)  # a round may be closed by hand after an hour
    await teams.say("close", person=FACILITATOR)
    summary = teams.connector.threads(CHANNEL)[-1]
    hack_id = action(summary.cards[0], "tryghed_start_discussion")["data"]["value"]
    started = await teams.press(summary, "tryghed_start_discussion", person=FACILITATOR)
    assert started["type"] == MESSAGE
    assert "is posted in the channel" in started["value"]
    hack = teams.connector.threads(CHANNEL)[-1]
    assert action(hack.cards[0], "tryghed_hack_done")["data"]["value"] == hack_id


async def test_trend_is_private_to_leaders_and_facilitators(teams: Teams) -> None:
    await set_up(teams)
    for week in range(2):
        pulse = await start_pulse(teams)
        for person in PEOPLE[1:6]:  # k without the facilitator
            await answer(teams, pulse, person, value=4 - week)
        teams.clock.advance(hours=1)  # a round may be closed by hand after an hour
        await teams.say("close", person=FACILITATOR)
    threads = len(teams.connector.threads(CHANNEL))
    await teams.say("trend 4", person=FACILITATOR)
    trend = teams.last_private_text(FACILITATOR)
    assert "The trend over 2 rounds" in trend
    # The latest result; the two pulses asked different statements, so no arrow.
    assert "▇▅  50" in trend
    assert "▼" not in trend
    assert len(teams.connector.threads(CHANNEL)) == threads  # nothing in the channel
    await teams.say("trend", person=PEOPLE[5])
    assert "The trend over time is for the team's leaders" in teams.last_private_text(PEOPLE[5])


async def test_a_throttled_post_is_retried_after_retry_after(teams: Teams) -> None:
    await set_up(teams)
    teams.connector.fail_next("conversations", status=429, retry_after="0")
    teams.connector.fail_next("members", status=502, retry_after=None)
    pulse = await start_pulse(teams)
    tries = [c.status for c in teams.connector.calls if c.kind == "conversations"]
    assert tries[-2:] == [429, 201]
    assert [c.status for c in teams.connector.calls if c.kind == "members"] == [502, 200]
    assert len(teams.connector.threads(CHANNEL)) == 1
    teams.connector.fail_next("update", status=429, retry_after="0", times=2)
    await answer(teams, pulse, PEOPLE[2], value=3)
    await until(lambda: len(updates_of(teams, pulse)) == 1)
    assert "1 of 9 have answered" in card_text(current_card(teams, pulse))
