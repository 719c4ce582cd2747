"""Slack clients: a 429 waits what Slack asks (not a second more), tokens are looked up once a
while, and an answer is counted without asking Slack who answered."""

from __future__ import annotations

import pytest
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.oauth.installation_store.models.bot import Bot

from bot.slack.clients import RETRY_JITTER_SECONDS, RetryAfter, SlackClients
from tests.bot.slack.conftest import PEOPLE
from tests.bot.slack.harness import Slack
from tests.bot.slack.steps import answer, button, set_up, start_pulse
from tests.fakes.waits import Waits


@pytest.mark.parametrize(("header", "expected"), [("2", 2.0), ("0", 0.0), ("soon", 1.0)])
async def test_a_429_waits_for_retry_after_and_little_more(header: str, expected: float) -> None:
    waits = Waits()
    state = RetryState()
    await RetryAfter(max_retry_count=5, sleep=waits).prepare_for_next_attempt_async(
        state=state,
        request=HttpRequest(method="POST", url="https://slack.invalid/api/x", headers={}),
        response=HttpResponse(status_code=429, headers={"Retry-After": [header]}, body={}),
    )
    assert state.next_attempt_requested
    assert state.current_attempt == 1
    (waited,) = waits.seconds
    assert expected <= waited <= expected + RETRY_JITTER_SECONDS


class CountingStore:
    """An installation store that counts its lookups."""

    def __init__(self) -> None:
        self.lookups = 0

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None) -> Bot:
        self.lookups += 1
        return Bot(
            bot_token=f"xoxb-{team_id}",
            bot_id="B1",
            bot_user_id="UBOT",
            installed_at=1_700_000_000.0,
        )


async def test_a_workspace_token_is_looked_up_once_a_while() -> None:
    store = CountingStore()
    clients = SlackClients(
        base_url="https://slack.invalid/api/",
        bot_token=None,
        installation_store=store,  # type: ignore[arg-type]
    )
    try:
        for _ in range(5):
            assert (await clients.for_workspace("T1")).token == "xoxb-T1"
        await clients.for_workspace("T2")
        assert store.lookups == 2
    finally:
        await clients.close()


async def test_an_answer_is_counted_without_asking_slack_who_answered(slack: Slack) -> None:
    await set_up(slack)
    round_id = button((await start_pulse(slack)).args, "tryghed_answer")["value"]
    asked = len(slack.api.calls_to("users.info"))
    view = await answer(slack, round_id, PEOPLE[5], value=4)
    # Pressing Answer asks who it is (the form is in their language); sending it does not.
    assert len(slack.api.calls_to("users.info")) <= asked + 1
    assert "Your answer counts" in str(view)
    assert (await slack.pulse.status(round_id)).respondents == 1
