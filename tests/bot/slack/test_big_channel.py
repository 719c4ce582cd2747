"""A channel of 2,000 members through a whole round, with no per-member storms.

The members come page by page (conversations.members, 1,000 a page); other bots, apps and
deactivated accounts are left out by one paged users.list per workspace (cached), never by
asking about each member; the reminder goes to exactly the people who have not answered;
and the database work of an answer and of the reminder does not grow with the channel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from surveys.team import ChannelRef, TeamSettings
from tests.bot.slack.conftest import FACILITATOR
from tests.bot.slack.harness import (
    CHANNEL,
    WORKSPACE,
    Slack,
    block_text,
    radio,
    running_slack,
    settle,
    until,
)
from tests.bot.slack.steps import button, open_form, set_up, start_pulse
from tests.fakes.slack_api import SlackCall
from tests.storage.statements import statements

pytestmark = pytest.mark.slow

PEOPLE = [f"UB{n:04d}" for n in range(2000)]
OTHER_BOTS = ["UHELPERBOT", "UPOLLAPP"]
GONE = "UDEACTIVATED"
ANSWERING = PEOPLE[:120]
SMALL_CHANNEL = "C0SMALL"
SMALL = [f"US{n:02d}" for n in range(10)]


def _calls(slack: Slack, since: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in slack.api.calls[since:]:
        counts[call.method] = counts.get(call.method, 0) + 1
    return counts


def _dm_to(call: SlackCall) -> str | None:
    channel = str(call.args.get("channel", ""))
    return channel if call.method == "chat.postMessage" and channel.startswith("U") else None


async def _answer(slack: Slack, view: dict[str, Any], person: str) -> None:
    answers = {b["block_id"]: radio("3") for b in view["blocks"] if b["type"] == "input"}
    ack = await (await slack.submit(view, answers, user=person)).json()
    assert "Your answer counts" in block_text(ack["view"]["blocks"]), ack
    await settle()


async def test_a_round_in_a_channel_of_two_thousand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_slack(tmp_path, monkeypatch, schedule=False) as slack:
        api = slack.api
        api.channel_members[CHANNEL] = [*PEOPLE[:1000], *OTHER_BOTS, *PEOPLE[1000:], GONE]
        api.channel_members[CHANNEL].append(api.bot_user_id)
        api.channel_members[SMALL_CHANNEL] = [*SMALL, api.bot_user_id]
        api.users |= {bot: {"is_bot": True} for bot in OTHER_BOTS}
        api.users[GONE] = {"deleted": True}
        database = str(tmp_path / "tryghed.db")
        await set_up(slack)

        # Open: the members in three pages, the workspace's bots in a few; nobody one by one.
        before = len(api.calls)
        pulse = await start_pulse(slack)
        calls = _calls(slack, before)
        assert calls.get("conversations.members") == 3  # 2,005 members, 1,000 a page
        assert calls.get("users.list") == 3  # the workspace, 1,000 a page
        assert "users.info" not in calls
        assert all(str(c.args["limit"]) == "1000" for c in api.calls_to("conversations.members"))
        assert "0 of 2000 have answered" in block_text(pulse.args["blocks"])
        round_id = button(pulse.args, "tryghed_answer")["value"]

        # Answers: each one costs the database the same, however many came before.
        view = await open_form(slack, round_id, ANSWERING[0])
        costs = []
        for person in ANSWERING:
            with statements(database) as seen:
                await _answer(slack, view, person)
            costs.append(len(seen))
        assert len(set(costs)) == 1, costs

        # The reminder: one query count for 2,000 members as for 10, one DM per person who
        # has not answered, and no bot, deactivated account or respondent among them.
        small = await slack.pulse.set_up_team(
            ChannelRef("slack", WORKSPACE, SMALL_CHANNEL), TeamSettings(language="en")
        )
        small_round = await slack.pulse.open_round(small.id)
        with statements(database) as small_reminder:
            assert await slack.pulse.remind(small_round.id) == len(SMALL)
        before = len(api.calls)
        with statements(database) as big_reminder:
            reminded = await slack.pulse.remind(round_id)
        calls = _calls(slack, before)
        # (Bounded: the round, the team, its recent trend for the avoidance signal, who answered.)
        assert len(big_reminder) == len(small_reminder) <= 16, big_reminder
        waiting = set(PEOPLE) - set(ANSWERING)
        assert reminded == len(waiting)
        assert calls.get("conversations.members") == 3
        assert "users.list" not in calls  # still known from the round's opening
        assert "users.info" not in calls
        dms = [to for call in api.calls[before:] if (to := _dm_to(call))]
        assert sorted(dms) == sorted(waiting)  # each once, and only them
        assert calls.get("chat.postMessage") == len(waiting)
        # Reminded once: a second call (another replica, a retry) sends nothing.
        assert await slack.pulse.remind(round_id) == 0

        # Close: the summary counts the people, not the bots.
        slack.clock.advance(hours=1)  # a round may be closed by hand after an hour
        await slack.command("close", user=FACILITATOR)
        await until(lambda: any("120 of 2000 answered" in _text(c) for c in api.calls))
        api.assert_clean()


def _text(call: SlackCall) -> str:
    return block_text(call.args.get("blocks", [])) if call.method == "chat.postMessage" else ""
