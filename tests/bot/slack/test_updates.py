"""Slack's count delay, wired from the setting (the policy: tests/bot/test_pulse_updates.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.settings import SettingsError, load_settings
from tests.bot.slack.conftest import FACILITATOR, PEOPLE
from tests.bot.slack.harness import CHANNEL, block_text, running_slack, until
from tests.bot.slack.steps import answer, button, set_up, start_pulse


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


def test_the_slack_count_delay_is_15_seconds_unless_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings().slack_count_delay == 15.0 == load_settings().teams_count_delay
    monkeypatch.setenv("TRYGHED_SLACK_COUNT_DELAY", "2.5")
    assert load_settings().slack_count_delay == 2.5
    monkeypatch.setenv("TRYGHED_SLACK_COUNT_DELAY", "-1")
    with pytest.raises(SettingsError, match="TRYGHED_SLACK_COUNT_DELAY"):
        load_settings()


async def test_answers_on_slack_show_no_count_until_the_window_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Wired from the setting: with a window far longer than the test, answers move nothing;
    # the close shows "closed" at once, and the waiting count is dropped, never sent.
    async with running_slack(tmp_path, monkeypatch, slack_count_delay=600) as slack:
        slack.api.channel_members[CHANNEL] = [*PEOPLE, "UBOT"]
        await set_up(slack)
        message = await start_pulse(slack)
        round_id = button(message.args, "tryghed_answer")["value"]
        for person in PEOPLE[1:6]:  # not the facilitator, who does not make up k
            await answer(slack, round_id, person, value=4)
        await settle()
        assert slack.api.calls_to("chat.update") == []
        slack.clock.advance(hours=1)  # a round may be closed by hand after an hour
        await slack.command("close", user=FACILITATOR)
        await until(lambda: bool(slack.api.calls_to("chat.update", ok_only=True)))
        (closed,) = slack.api.calls_to("chat.update")
        assert "This round has closed" in block_text(closed.args["blocks"])
        assert "5 of 9 have answered" in block_text(closed.args["blocks"])
    assert len(slack.api.calls_to("chat.update")) == 1
