"""What only Slack has around `/tryghed`: workspace admins, and the setup form as a modal
(the words themselves, on every platform: tests/scenarios/chat/test_commands.py)."""

from __future__ import annotations

from typing import Any

from tests.bot.slack.conftest import FACILITATOR
from tests.bot.slack.harness import CHANNEL, Slack, block_text, select, text_input, until, users
from tests.bot.slack.steps import SETUP, reply_to


async def test_a_workspace_admin_may_run_the_team(slack: Slack) -> None:
    await reply_to(slack, SETUP)
    slack.api.users["UADMIN"] = {"is_admin": True}
    assert "The pulse is posted in the channel" in await reply_to(slack, "pulse", user="UADMIN")


async def _setup_form(slack: Slack, user: str) -> dict[str, Any]:
    before = len(slack.api.calls_to("views.open"))
    await slack.command("setup", user=user)
    await until(lambda: len(slack.api.calls_to("views.open")) > before)
    call = slack.api.calls_to("views.open")[-1]
    assert call.args["trigger_id"].startswith("trigger-")
    return dict(call.args["view"])


async def test_the_setup_form_is_a_modal_for_the_channel(slack: Slack) -> None:
    view = await _setup_form(slack, FACILITATOR)
    assert view["callback_id"] == "tryghed_setup_form"
    assert view["private_metadata"] == CHANNEL
    answers = {
        "cadence": select("biweekly"),
        "weekday": select("2"),
        "time": text_input("10:30"),
        "timezone": text_input("Europe/Copenhagen"),
        "language": select("en"),
        "round_hours": select("48"),
        "min_respondents": select("6"),
        "leaders": users(),
        "facilitators": users(FACILITATOR),
    }
    bad_time = answers | {"time": text_input("half past ten")}
    ack = await (await slack.submit(view, bad_time, user=FACILITATOR)).json()
    assert ack["response_action"] == "errors"  # the modal points at the field that is wrong
    assert set(ack["errors"]) == {"time"}
    bad_zone = answers | {"timezone": text_input("Moon/Base")}
    ack = await (await slack.submit(view, bad_zone, user=FACILITATOR)).json()
    assert set(ack["errors"]) == {"timezone"}
    ack = await (await slack.submit(view, answers, user=FACILITATOR)).json()
    assert ack["response_action"] == "update"
    assert "Every other week, Wednesday at 10:30" in block_text(ack["view"]["blocks"])
