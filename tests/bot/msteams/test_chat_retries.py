"""R9 on Teams: the connector answering 429 with Retry-After, 500 or 503 is retried with backoff
and the card delivered once; every attempt shows in /metrics as
tryghed_chat_api_calls_total{platform="teams",status=…}."""

from __future__ import annotations

from tests.app.metrics_text import total, value
from tests.bot.msteams.harness import CHANNEL, PEOPLE, Teams, card_text
from tests.bot.msteams.steps import answer, current_card, set_up, start_pulse, until_updated

CALLS = "tryghed_chat_api_calls_total"


async def _metrics(teams: Teams) -> str:
    return await (await teams.http.get("/metrics")).text()


async def test_a_throttled_then_failing_thread_is_retried_and_posted_once(teams: Teams) -> None:
    await set_up(teams)
    teams.connector.fail_next("conversations", status=429, retry_after="1")
    teams.connector.fail_next("conversations", status=500, retry_after=None)
    teams.connector.fail_next("conversations", status=503, retry_after=None)
    pulse = await start_pulse(teams)
    assert len(teams.connector.threads(CHANNEL)) == 1
    tried = [c.status for c in teams.connector.calls_to("conversations", ok_only=False)]
    assert tried[-4:] == [429, 500, 503, 201]
    assert teams.waits.seconds == [1.0, 1.0, 2.0]  # Retry-After, then backing off
    assert "0 of 9 have answered" in card_text(pulse.cards[0])
    text = await _metrics(teams)
    for status in ("429", "500", "503"):
        assert value(text, CALLS, platform="teams", status=status) == 1
    assert value(text, CALLS, platform="teams", status="2xx") >= 1
    assert total(text, "tryghed_chat_api_failures_total") == 0


async def test_an_unavailable_connector_is_retried_until_the_count_shows(teams: Teams) -> None:
    await set_up(teams)
    pulse = await start_pulse(teams)
    teams.connector.fail_next("update", status=503, retry_after=None, times=2)
    await answer(teams, pulse, PEOPLE[2], value=4)
    await until_updated(teams, pulse, 1)
    assert "1 of 9 have answered" in card_text(current_card(teams, pulse))
    tried = [c.status for c in teams.connector.calls_to("update", ok_only=False)]
    assert tried == [503, 503, 200]
    assert teams.waits.seconds == [0.5, 1.0]
    assert value(await _metrics(teams), CALLS, platform="teams", status="503") == 2
