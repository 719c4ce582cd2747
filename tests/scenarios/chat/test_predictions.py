"""The leader's private side on every platform: a leader predicts the result (from the pulse
post or the trend card), only that leader gets the gap after the close, members are refused,
deleting the team deletes the predictions."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import replace

from tests.scenarios.chat.platform import FACILITATOR, PEOPLE, Card, Form, Platform, form
from tests.scenarios.chat.steps import answer, close, round_of, set_up, start_pulse, until

LEADER, OTHER_LEADER = PEOPLE[1], PEOPLE[2]
OTHERS = PEOPLE[3:]  # six members who make up k
PILLARS = ("Include", "Learn", "Contribute", "Challenge")


async def with_leaders(platform: Platform) -> None:
    """The channel set up (in English) with two leaders beside the facilitator."""
    await set_up(platform)
    team = await platform.pulse.team_in(platform.channel)
    leaders = frozenset({platform.user_id(LEADER), platform.user_id(OTHER_LEADER)})
    await platform.pulse.set_up_team(platform.channel, replace(team.settings, leaders=leaders))


async def predict(platform: Platform, on: Card, value: int) -> tuple[Form, str]:
    """The leader opens the prediction form on `on` and picks `value` for every pillar; the
    form as it opened, and what the leader saw after sending it."""
    opened = form(await platform.press(LEADER, "tryghed_predict", on))
    assert len(opened.fields) == 4
    saved = await platform.submit(LEADER, opened, dict.fromkeys(opened.fields, str(value)))
    return opened, saved.text


def gaps(platform: Platform, person: str) -> list[str]:
    return [text for text in platform.replies(person) if "you predicted" in text]


async def test_a_leader_predicts_and_alone_sees_the_gap(platform: Platform) -> None:
    await with_leaders(platform)
    pulse = await start_pulse(platform)
    assert pulse.actions["tryghed_predict"] == round_of(pulse)

    # A member is refused with a private word; no form, and the shared post stays.
    refused = await platform.press(OTHERS[0], "tryghed_predict", pulse)
    assert "Only the team's leaders can predict the result." in refused.text
    assert not isinstance(refused, Form)

    opened, saved = await predict(platform, pulse, 5)
    assert "only you can see it" in saved
    for pillar in PILLARS:
        assert pillar in opened.text
    # Changed while the round is open: the form shows the earlier choice, and this replaces it.
    again, _ = await predict(platform, pulse, 4)
    assert all(again.defaults[item] == "5" for item in again.fields)
    assert platform.channel_posts()[0].updates == 0  # nothing shared changed

    for person in OTHERS:
        await answer(platform, pulse, person, value=2)
    await close(platform)
    await until(lambda: len(gaps(platform, LEADER)) == 1)

    (gap,) = gaps(platform, LEADER)
    assert "Your prediction and the team's answers – for you only" in gap
    assert "you predicted 75 (Agree) · the team 25 · 50 points lower than you thought" in gap
    assert "Large gap" in gap
    assert "When did I last thank someone for disagreeing with me?" in gap
    assert "Who in the team have I talked with least in recent weeks?" in gap
    assert "Your first reaction sets the tone" in gap
    # Nobody else gets it: not the other leader, not the facilitator, not a member.
    for person in (OTHER_LEADER, FACILITATOR, *OTHERS):
        assert gaps(platform, person) == []
    # The other leader's own trend card shows no trace of it.
    trend = (await platform.say(OTHER_LEADER, "trend")).text
    assert "The trend over" in trend
    assert "you predicted" not in trend
    # After the close, no more predictions.
    assert "closed" in (await platform.press(LEADER, "tryghed_predict", pulse)).text


async def test_a_withheld_round_shows_the_leader_no_gap(platform: Platform) -> None:
    await with_leaders(platform)
    pulse = await start_pulse(platform)
    await predict(platform, pulse, 4)
    for person in OTHERS[:2]:
        await answer(platform, pulse, person, value=1)
    await close(platform)
    await until(lambda: any("Results hidden" in t for t in platform.replies(LEADER)))
    note = platform.replies(LEADER)[-1]
    assert "Results hidden" in note
    assert "neither numbers nor a gap" in note
    assert "you predicted" not in note
    assert set(re.findall(r"\d+", note)) == {"5"}  # k, and no number from the round


async def test_a_leader_predicts_from_the_trend_card(platform: Platform) -> None:
    await with_leaders(platform)
    await start_pulse(platform)
    facilitators = await platform.say(FACILITATOR, "trend")
    assert "The trend over" in facilitators.text
    assert "tryghed_predict" not in facilitators.actions  # not a leader: no button
    trend = await platform.say(LEADER, "udvikling")
    assert trend.actions["tryghed_predict"]
    _, saved = await predict(platform, trend, 3)
    assert "only you can see it" in saved


async def test_deleting_the_team_deletes_the_predictions(platform: Platform) -> None:
    await with_leaders(platform)
    await predict(platform, await start_pulse(platform), 4)

    def predictions() -> list[tuple[object, ...]]:
        with closing(sqlite3.connect(platform.database)) as db:
            return db.execute("SELECT leader_id FROM predictions").fetchall()

    assert predictions() == [(platform.user_id(LEADER),)]
    asked = (await platform.say(LEADER, "delete")).text
    code = re.search(r"delete ([0-9a-f]{6})", asked)
    assert code is not None
    assert "deleted" in (await platform.say(LEADER, f"delete {code.group(1)}")).text
    assert predictions() == []
