"""Slack over HTTP: a leader predicts the result privately (pulse message or trend card), and
after the close only that leader gets the gap; members are refused; delete removes it."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

from surveys.team import ChannelRef
from tests.bot.slack.conftest import FACILITATOR, PEOPLE
from tests.bot.slack.harness import CHANNEL, WORKSPACE, Slack, block_text, radio, until
from tests.bot.slack.test_loop import (
    answer,
    button,
    channel_posts,
    set_up,
    start_pulse,
)

LEADER, OTHER_LEADER = PEOPLE[1], PEOPLE[2]
OTHERS = PEOPLE[3:]  # six members who make up k


async def with_leaders(slack: Slack) -> None:
    """The channel set up (in English) with two leaders beside the facilitator."""
    await set_up(slack)
    channel = ChannelRef("slack", WORKSPACE, CHANNEL)
    team = await slack.pulse.team_in(channel)
    leaders = frozenset({LEADER, OTHER_LEADER})
    await slack.pulse.set_up_team(channel, replace(team.settings, leaders=leaders))


async def pulse(slack: Slack) -> str:
    """A round started; its id, once the facilitator's private confirmation is in."""
    message = await start_pulse(slack)
    await until(lambda: "The pulse is posted" in slack.last_reply_text())
    return str(button(message.args, "tryghed_answer")["value"])


async def press_predict(slack: Slack, round_id: str, user: str) -> None:
    before = len(slack.replies()) + len(slack.api.calls_to("views.open"))
    await slack.press("tryghed_predict", round_id, user=user)
    await until(lambda: len(slack.replies()) + len(slack.api.calls_to("views.open")) > before)


async def predict(slack: Slack, round_id: str, user: str, value: int) -> dict[str, Any]:
    """`user` opens the prediction form and picks `value` for every pillar."""
    await press_predict(slack, round_id, user)
    view = dict(slack.api.calls_to("views.open")[-1].args["view"])
    assert view["callback_id"] == "tryghed_prediction_form"
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    response = await slack.submit(
        view, {b["block_id"]: radio(str(value)) for b in inputs}, user=user
    )
    assert response.status == 200
    return dict(await response.json())


def direct_messages(slack: Slack, user: str) -> list[str]:
    """The texts of what the bot sent `user` in a direct message."""
    return [
        block_text(c.args.get("blocks", []))
        for c in slack.api.calls_to("chat.postMessage", ok_only=True)
        if c.args["channel"] == user
    ]


async def close(slack: Slack) -> None:
    slack.clock.advance(hours=1)
    before = len(channel_posts(slack))
    await slack.command("close", user=FACILITATOR)
    await until(lambda: len(channel_posts(slack)) > before)


async def test_a_leader_predicts_and_alone_sees_the_gap(slack: Slack) -> None:
    await with_leaders(slack)
    round_id = await pulse(slack)
    message = channel_posts(slack)[-1]
    assert button(message.args, "tryghed_predict")["value"] == round_id
    updates = len(slack.api.calls_to("chat.update"))

    # A member is refused with a private word; no form, and the shared message stays.
    await press_predict(slack, round_id, OTHERS[0])
    assert "Only the team's leaders can predict the result." in slack.last_reply_text()
    assert slack.replies()[-1]["response_type"] == "ephemeral"
    assert slack.api.calls_to("views.open") == []

    form = await predict(slack, round_id, LEADER, 5)
    assert form["response_action"] == "update"
    assert "only you can see it" in block_text(form["view"]["blocks"])
    opened = slack.api.calls_to("views.open")[-1].args["view"]
    labels = block_text([b["label"] for b in opened["blocks"] if b["type"] == "input"])
    for pillar in ("Include", "Learn", "Contribute", "Challenge"):
        assert pillar in labels
    # Changed while the round is open: the form shows the earlier choice, and this replaces it.
    await predict(slack, round_id, LEADER, 4)
    again = slack.api.calls_to("views.open")[-1].args["view"]
    assert all(
        b["element"]["initial_option"]["value"] == "5"
        for b in again["blocks"]
        if b["type"] == "input"
    )
    assert len(slack.api.calls_to("chat.update")) == updates  # nothing shared changed

    for person in OTHERS:
        await answer(slack, round_id, person, value=2)
    await close(slack)
    await until(lambda: len(direct_messages(slack, LEADER)) == 1)

    (gap,) = direct_messages(slack, LEADER)
    assert "Your prediction and the team's answers – for you only" in gap
    assert "you predicted 75 (Agree) · the team 25 · 50 points lower than you thought" in gap
    assert "Large gap" in gap
    assert "When did I last thank someone for disagreeing with me?" in gap
    assert "Your first reaction sets the tone" in gap
    # Nobody else gets it: not the other leader, not the facilitator, not a member.
    for person in (OTHER_LEADER, FACILITATOR, *OTHERS):
        assert not any("you predicted" in text for text in direct_messages(slack, person))
    # The other leader's own trend card shows no trace of it.
    await slack.command("trend", user=OTHER_LEADER)
    await until(lambda: "The trend over" in slack.last_reply_text())
    assert "you predicted" not in slack.last_reply_text()
    # After the close, no more predictions.
    await press_predict(slack, round_id, LEADER)
    assert "closed" in slack.last_reply_text()


async def test_a_withheld_round_shows_the_leader_no_gap(slack: Slack) -> None:
    await with_leaders(slack)
    round_id = await pulse(slack)
    await predict(slack, round_id, LEADER, 4)
    for person in OTHERS[:2]:
        await answer(slack, round_id, person, value=1)
    await close(slack)
    await until(lambda: len(direct_messages(slack, LEADER)) == 1)
    (note,) = direct_messages(slack, LEADER)
    assert "Results hidden" in note
    assert "neither numbers nor a gap" in note
    assert "you predicted" not in note
    assert re.findall(r"\d+", note) == ["5"]  # k, and no number from the round


async def test_a_leader_predicts_from_the_trend_card(slack: Slack) -> None:
    await with_leaders(slack)
    await pulse(slack)
    await slack.command("trend", user=FACILITATOR)
    await until(lambda: "The trend over" in slack.last_reply_text())
    assert "tryghed_predict" not in str(slack.replies()[-1])  # not a leader: no button
    await slack.command("udvikling", user=LEADER)
    await until(lambda: "tryghed_predict" in str(slack.replies()[-1]))
    round_id = button(slack.replies()[-1], "tryghed_predict")["value"]
    saved = await predict(slack, round_id, LEADER, 3)
    assert "only you can see it" in block_text(saved["view"]["blocks"])


async def test_deleting_the_team_deletes_the_predictions(slack: Slack, tmp_path: Path) -> None:
    await with_leaders(slack)
    await predict(slack, await pulse(slack), LEADER, 4)

    def predictions() -> list[tuple[object, ...]]:
        with closing(sqlite3.connect(tmp_path / "tryghed.db")) as db:
            return db.execute("SELECT leader_id FROM predictions").fetchall()

    assert predictions() == [(LEADER,)]
    before = len(slack.replies())
    await slack.command("delete", user=LEADER)
    await until(lambda: len(slack.replies()) > before)
    code = re.search(r"delete ([0-9a-f]{6})", slack.last_reply_text())
    assert code is not None
    await slack.command(f"delete {code.group(1)}", user=LEADER)
    await until(lambda: "deleted" in slack.last_reply_text())
    assert predictions() == []
