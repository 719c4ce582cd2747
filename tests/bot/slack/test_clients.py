"""Slack clients: a 429 waits what Slack asks (not a second more), tokens are looked up once a
while, and an answer is counted without asking Slack who answered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.oauth.installation_store.models.bot import Bot

import bot.slack.clients as clients_module
from bot.slack.clients import RETRY_JITTER_SECONDS, RetryAfter, SlackClients
from tests.bot.slack.conftest import PEOPLE
from tests.bot.slack.harness import Slack
from tests.bot.slack.steps import answer, button, open_form, set_up, start_pulse
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
        await asyncio.sleep(0)  # a query: others ask meanwhile
        return Bot(
            bot_token=f"xoxb-{team_id}",
            bot_id="B1",
            bot_user_id="UBOT",
            installed_at=1_700_000_000.0,
        )


@pytest.fixture
def store() -> CountingStore:
    """An installation store that counts its lookups."""
    return CountingStore()


@pytest.fixture
async def oauth_clients(store: CountingStore) -> AsyncIterator[SlackClients]:
    """Clients of a multi-workspace install, their tokens in `store`."""
    clients = SlackClients(
        base_url="https://slack.invalid/api/",
        bot_token=None,
        installation_store=store,  # type: ignore[arg-type]
    )
    yield clients
    await clients.close()


async def test_a_workspace_token_is_looked_up_once_a_while(
    oauth_clients: SlackClients, store: CountingStore
) -> None:
    for _ in range(5):
        assert (await oauth_clients.for_workspace("T1")).token == "xoxb-T1"
    await oauth_clients.for_workspace("T2")
    assert store.lookups == 2


async def test_many_asking_for_a_workspace_token_at_once_look_it_up_once(
    oauth_clients: SlackClients, store: CountingStore
) -> None:
    asked = await asyncio.gather(*(oauth_clients.for_workspace("T1") for _ in range(50)))
    assert {client.token for client in asked} == {"xoxb-T1"}
    assert store.lookups == 1


async def test_an_answer_is_counted_without_asking_slack_who_answered(slack: Slack) -> None:
    await set_up(slack)
    round_id = button((await start_pulse(slack)).args, "tryghed_answer")["value"]
    asked = len(slack.api.calls_to("users.info"))
    view = await answer(slack, round_id, PEOPLE[5], value=4)
    # Pressing Answer asks who it is (the form is in their language); sending it does not.
    assert len(slack.api.calls_to("users.info")) <= asked + 1
    assert "Your answer counts" in str(view)
    assert (await slack.pulse.status(round_id)).respondents == 1


async def test_only_the_latest_askers_are_remembered(
    slack: Slack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clients_module, "ACTORS_KEPT", 2)
    await set_up(slack)
    round_id = button((await start_pulse(slack)).args, "tryghed_answer")["value"]
    for person in PEOPLE[1:4]:
        await open_form(slack, round_id, person)
    asked = len(slack.api.calls_to("users.info"))
    await open_form(slack, round_id, PEOPLE[3])  # remembered
    assert len(slack.api.calls_to("users.info")) == asked
    await open_form(slack, round_id, PEOPLE[1])  # forgotten: two came after
    assert len(slack.api.calls_to("users.info")) == asked + 1
