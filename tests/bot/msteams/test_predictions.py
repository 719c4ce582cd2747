"""Teams over HTTP: a leader predicts privately from the pulse card or the trend card, only
that leader gets the gap in their 1:1 chat, members are refused, delete removes it."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

from surveys.team import ChannelRef
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
from tests.bot.msteams.test_loop import CARD, MESSAGE, answer, set_up, start_pulse
from tests.fakes.bot_connector import ConnectorCall, Person

LEADER, OTHER_LEADER = PEOPLE[1], PEOPLE[2]
OTHERS = PEOPLE[3:]


async def with_leaders(teams: Teams) -> None:
    await set_up(teams)
    channel = ChannelRef("teams", TENANT, CHANNEL)
    team = await teams.pulse.team_in(channel)
    leaders = frozenset({LEADER.aad, OTHER_LEADER.aad})
    await teams.pulse.set_up_team(channel, replace(team.settings, leaders=leaders))


async def predict(teams: Teams, pulse: ConnectorCall, person: Person, value: int) -> str:
    """`person` opens the prediction form from the pulse card and picks `value` everywhere."""
    form = await teams.press(pulse, "tryghed_predict", person=person)
    assert form["type"] == CARD, form
    values = {block["id"]: str(value) for block in inputs(form["value"])}
    assert len(values) == 4
    saved = await teams.press(
        pulse, "tryghed_prediction_form", person=person, card=form["value"], answers=values
    )
    return card_text(saved["value"])


async def close(teams: Teams) -> None:
    teams.clock.advance(hours=1)
    await teams.say("close", person=FACILITATOR)


def chat_texts(teams: Teams, person: Person) -> list[str]:
    return [card_text(card) for card in teams.chat(person)]


async def test_a_leader_predicts_and_alone_sees_the_gap(teams: Teams) -> None:
    await with_leaders(teams)
    pulse = await start_pulse(teams)
    refused = await teams.press(pulse, "tryghed_predict", person=OTHERS[0])
    assert refused["type"] == MESSAGE  # a private word; the card stays as it is
    assert "Only the team's leaders can predict the result." in refused["value"]

    assert "only you can see it" in await predict(teams, pulse, LEADER, 4)
    for person in OTHERS:
        await answer(teams, pulse, person, value=2)
    await close(teams)

    gap = teams.last_private_text(LEADER)
    assert "Your prediction and the team's answers – for you only" in gap
    assert "you predicted 75 (Agree) · the team 25 · 50 points lower than you thought" in gap
    assert "Who in the team have I talked with least in recent weeks?" in gap
    for person in (OTHER_LEADER, FACILITATOR, *OTHERS):
        assert not any("you predicted" in text for text in chat_texts(teams, person))
    # After the close, no more predictions.
    late = await teams.press(pulse, "tryghed_predict", person=LEADER)
    assert "closed" in late["value"]


async def test_a_withheld_round_shows_the_leader_no_gap(teams: Teams) -> None:
    await with_leaders(teams)
    pulse = await start_pulse(teams)
    await predict(teams, pulse, LEADER, 2)
    for person in OTHERS[:3]:
        await answer(teams, pulse, person, value=5)
    await close(teams)
    note = teams.last_private_text(LEADER)
    assert "neither numbers nor a gap" in note
    assert "you predicted" not in note
    assert set(re.findall(r"\d+", note)) == {"5"}  # k only


async def test_a_leader_predicts_from_the_trend_card(teams: Teams) -> None:
    await with_leaders(teams)
    await start_pulse(teams)
    await teams.say_privately("trend", person=FACILITATOR)
    assert "tryghed_predict" not in str(teams.chat(FACILITATOR)[-1])
    await teams.say("trend", person=LEADER)
    trend = teams.chat(LEADER)[-1]
    form = await teams.press_in_chat(trend, "tryghed_predict", person=LEADER)
    assert form["type"] == CARD
    values = {block["id"]: "3" for block in inputs(form["value"])}
    saved = await teams.press_in_chat(
        form["value"], "tryghed_prediction_form", person=LEADER, answers=values
    )
    assert "only you can see it" in card_text(saved["value"])
    assert action(trend, "tryghed_predict")["data"]["value"]


async def test_deleting_the_team_deletes_the_predictions(teams: Teams, tmp_path: Path) -> None:
    await with_leaders(teams)
    pulse = await start_pulse(teams)
    await predict(teams, pulse, LEADER, 4)

    def predictions() -> list[tuple[object, ...]]:
        with closing(sqlite3.connect(tmp_path / "tryghed.db")) as db:
            return db.execute("SELECT leader_id FROM predictions").fetchall()

    assert predictions() == [(LEADER.aad,)]
    await teams.say("delete", person=LEADER)
    code = re.search(r"delete ([0-9a-f]{6})", teams.last_private_text(LEADER))
    assert code is not None
    await teams.say(f"delete {code.group(1)}", person=LEADER)
    assert "deleted" in teams.last_private_text(LEADER)
    assert predictions() == []
