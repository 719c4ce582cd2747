"""Events, retries and rate limits: App Home, Slack's retried events, 429 then success."""

from __future__ import annotations

from tests.bot.slack.conftest import FACILITATOR, PEOPLE
from tests.bot.slack.harness import CHANNEL, Slack, block_text, until

SETUP = "setup weekly mon 09:00 Europe/Copenhagen en"


def home_opened(user: str) -> dict[str, str]:
    return {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"}


async def test_app_home_shows_a_leader_their_teams(slack: Slack) -> None:
    await slack.command(SETUP, user=FACILITATOR)
    await until(lambda: len(slack.replies()) == 1)
    response = await slack.event(home_opened(FACILITATOR), event_id="Ev1")
    assert response.status == 200
    await until(lambda: len(slack.api.calls_to("views.publish")) == 1)
    publish = slack.api.calls_to("views.publish")[0].args
    assert publish["user_id"] == FACILITATOR
    assert publish["view"]["type"] == "home"
    text = block_text(publish["view"]["blocks"])
    assert "The trend over 0 rounds" in text
    assert "There are no closed rounds yet" in text


async def test_app_home_for_someone_without_a_team(slack: Slack) -> None:
    await slack.event(home_opened(PEOPLE[4]), event_id="Ev2")
    await until(lambda: len(slack.api.calls_to("views.publish")) == 1)
    text = block_text(slack.api.calls_to("views.publish")[0].args["view"]["blocks"])
    assert "/tryghed opsæt" in text


async def test_a_retried_event_is_handled_once(slack: Slack) -> None:
    for retry in (None, 1, 2):
        response = await slack.event(home_opened(PEOPLE[2]), event_id="EvSame", retry=retry)
        assert response.status == 200
    await slack.event(home_opened(PEOPLE[2]), event_id="EvOther")
    await until(lambda: len(slack.api.calls_to("views.publish")) == 2)
    assert len(slack.api.calls_to("views.publish")) == 2


async def test_messages_tab_is_ignored(slack: Slack) -> None:
    event = {**home_opened(PEOPLE[2]), "tab": "messages"}
    assert (await slack.event(event, event_id="Ev3")).status == 200
    await slack.event(home_opened(PEOPLE[2]), event_id="Ev4")
    await until(lambda: len(slack.api.calls_to("views.publish")) == 1)


async def test_rate_limited_posts_are_retried_and_delivered_once(slack: Slack) -> None:
    await slack.command(SETUP, user=FACILITATOR)
    await until(lambda: len(slack.replies()) == 1)
    slack.api.fail_next("chat.postMessage", status=429, retry_after=1)
    await slack.command("pulse", user=FACILITATOR)
    await until(lambda: len(slack.api.calls_to("chat.postMessage", ok_only=True)) == 1, seconds=10)
    attempts = slack.api.calls_to("chat.postMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].args["channel"] == CHANNEL
    await until(lambda: "The pulse is posted" in slack.last_reply_text())


async def test_a_server_error_is_retried(slack: Slack) -> None:
    await slack.command(SETUP, user=FACILITATOR)
    await until(lambda: len(slack.replies()) == 1)
    slack.api.fail_next("chat.postMessage", status=503)
    await slack.command("pulse", user=FACILITATOR)
    await until(lambda: len(slack.api.calls_to("chat.postMessage", ok_only=True)) == 1, seconds=10)
    assert [c.status for c in slack.api.calls_to("chat.postMessage")] == [503, 200]
