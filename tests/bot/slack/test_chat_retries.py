"""R9 on Slack: 429 with Retry-After, 500 and 503 are retried with backoff and delivered once;
a timeout is retried where calling again changes nothing, and never for a new message; every
attempt shows in /metrics as tryghed_chat_api_calls_total{platform="slack",status=…}."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from prometheus_client.exposition import generate_latest

from app.metrics import Metrics
from bot.slack import clients as clients_module
from bot.slack.chat import SlackChat
from bot.slack.clients import SlackClients
from content.loader import default_pack
from surveys.announcements import PulseStatus
from tests.app.metrics_text import total, value
from tests.bot.slack.conftest import PEOPLE
from tests.bot.slack.harness import Slack, block_text, until
from tests.bot.slack.steps import answer, button, channel_posts, set_up, start_pulse
from tests.builders import a_round, a_team
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.waits import Waits

CALLS = "tryghed_chat_api_calls_total"


async def _metrics(slack: Slack) -> str:
    return await (await slack.http.get("/metrics")).text()


async def test_a_throttled_then_failing_post_is_retried_and_posted_once(slack: Slack) -> None:
    await set_up(slack)
    slack.api.fail_next("chat.postMessage", status=429, retry_after=1)
    slack.api.fail_next("chat.postMessage", status=500)
    pulse = await start_pulse(slack)
    assert len(channel_posts(slack)) == 1
    attempts = [c.status for c in slack.api.calls_to("chat.postMessage")]
    assert attempts == [429, 500, 200]
    # Retry-After (1 s, and at most a tenth more), then slack_sdk's backoff for a second
    # attempt (1 s, and up to a second at random).
    throttled, failed = slack.waits.seconds
    assert 1.0 <= throttled <= 1.1
    assert 1.0 <= failed <= 2.0
    assert "0 of 9 have answered" in block_text(pulse.args["blocks"])
    text = await _metrics(slack)
    assert value(text, CALLS, platform="slack", status="429") == 1
    assert value(text, CALLS, platform="slack", status="500") == 1
    assert value(text, CALLS, platform="slack", status="200") >= 1
    assert total(text, "tryghed_chat_api_failures_total") == 0


async def test_an_unavailable_api_is_retried_until_the_count_shows(slack: Slack) -> None:
    await set_up(slack)
    round_id = button((await start_pulse(slack)).args, "tryghed_answer")["value"]
    slack.api.fail_next("chat.update", status=503, times=2)
    await answer(slack, round_id, PEOPLE[2], value=4)
    await until(lambda: bool(slack.api.calls_to("chat.update", ok_only=True)), seconds=10)
    assert [c.status for c in slack.api.calls_to("chat.update")] == [503, 503, 200]
    first, second = slack.waits.seconds  # backing off: 0.5 s, then 1 s (each + up to 1 s)
    assert 0.5 <= first <= 1.5
    assert 1.0 <= second <= 2.0
    (updated,) = slack.api.calls_to("chat.update", ok_only=True)
    assert "1 of 9 have answered" in block_text(updated.args["blocks"])
    assert value(await _metrics(slack), CALLS, platform="slack", status="503") == 2


@dataclass
class Parts:
    api: FakeSlackApi
    chat: SlackChat
    metrics: Metrics

    def calls(self, status: str) -> float:
        return value(
            generate_latest(self.metrics.registry).decode(), CALLS, platform="slack", status=status
        )


@pytest.fixture
async def parts(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Parts]:
    """The Slack gateway on its own, its client giving up after 0.3 s (a call Slack holds
    longer times out for real) and backing off without waiting."""
    monkeypatch.setattr(clients_module, "REQUEST_TIMEOUT_SECONDS", 0.3)
    async with FakeSlackApi() as api:
        metrics = Metrics()
        clients = SlackClients(
            base_url=api.url,
            bot_token="xoxb-test",
            installation_store=None,
            trace=metrics.trace("slack"),
            sleep=Waits(),
        )
        api.channel_members["C1"] = list(PEOPLE)
        yield Parts(api, SlackChat(clients, default_pack()), metrics)
        await clients.close()


async def test_reading_that_timed_out_is_read_again(parts: Parts) -> None:
    parts.api.stall_next("conversations.members", seconds=1)
    assert await parts.chat.channel_members(a_team(channel="C1")) == PEOPLE
    assert parts.calls("timeout") == 1


async def test_an_update_that_timed_out_is_made_again(parts: Parts) -> None:
    team = a_team(channel="C1", language="en")
    status = PulseStatus(team=team, round=a_round(team), respondents=0)
    ts = await parts.chat.post_pulse(status)
    parts.api.stall_next("chat.update", seconds=1)
    await parts.chat.update_pulse(PulseStatus(team=team, round=status.round, respondents=3), ts)
    assert parts.calls("timeout") == 1
    assert "3 of" in block_text(parts.api.messages[("C1", ts)]["blocks"])


async def test_a_new_message_that_timed_out_is_never_posted_twice(parts: Parts) -> None:
    team = a_team(channel="C1")
    status = PulseStatus(team=team, round=a_round(team), respondents=0)
    parts.api.stall_next("chat.postMessage", seconds=1)
    with pytest.raises(TimeoutError):
        await parts.chat.post_pulse(status)
    assert len(parts.api.calls_to("chat.postMessage")) == 1
    assert len(parts.api.messages) == 1
    assert parts.calls("timeout") == 1
