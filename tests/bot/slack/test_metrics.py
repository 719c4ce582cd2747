"""/metrics moves as a Slack round runs: requests, answers, rounds and Slack API calls."""

from __future__ import annotations

from tests.app.metrics_text import total, value
from tests.bot.slack.conftest import FACILITATOR, PEOPLE
from tests.bot.slack.harness import Slack, until
from tests.bot.slack.steps import answer, button, channel_posts, set_up, start_pulse


async def scrape(slack: Slack) -> str:
    response = await slack.http.get("/metrics")
    assert response.status == 200
    return await response.text()


async def test_a_round_moves_the_metrics(slack: Slack) -> None:
    before = await scrape(slack)
    assert value(before, "tryghed_rounds_opened_total") == 0
    assert value(before, "tryghed_answers_recorded_total") == 0

    await set_up(slack)
    message = await start_pulse(slack)
    round_id = button(message.args, "tryghed_answer")["value"]
    for person in PEOPLE[1:6]:
        await answer(slack, round_id, person, value=4)
    slack.clock.advance(hours=1)  # a round may be closed by hand after an hour
    await slack.command("close", user=FACILITATOR)
    await until(lambda: len(channel_posts(slack)) == 2)

    after = await scrape(slack)
    assert value(after, "tryghed_rounds_opened_total") == 1
    assert value(after, "tryghed_answers_recorded_total") == 5
    assert value(after, "tryghed_rounds_closed_total") == 1
    posts = len(slack.api.calls_to("chat.postMessage"))
    assert total(after, "tryghed_chat_api_calls_total", platform="slack", status="200") >= posts
    assert total(after, "tryghed_chat_api_failures_total") == 0
    served = total(
        after, "tryghed_http_requests_total", route="/slack/events", method="POST", status="200"
    )
    assert served >= 2 + 5 * 2  # setup, pulse, and for each person a click and a submission
    # Nothing in the exposition points at a person, a channel or a round.
    for person in PEOPLE:
        assert person not in after
    assert round_id not in after
    assert "C0001" not in after
