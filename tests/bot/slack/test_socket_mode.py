"""Socket Mode: Slack's requests arrive over a websocket and go straight to bolt (no events
route, no signature), so an answer form there is counted by bolt's own listener, the same
way the events route counts one over HTTP."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

import app.wiring.slack as wiring
from tests.bot.slack.conftest import PEOPLE
from tests.bot.slack.harness import CHANNEL, block_text, radio, running_slack, settle, until
from tests.bot.slack.steps import button, channel_posts, open_form, set_up, start_pulse


async def test_an_answer_over_socket_mode_is_counted_and_thanked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    connected: list[AsyncApp] = []

    async def socket_mode(app: AsyncApp, _token: str) -> Callable[[], Awaitable[None]]:
        connected.append(app)  # what bolt's AsyncSocketModeHandler would be given

        async def close() -> None:
            return None

        return close

    monkeypatch.setattr(wiring, "socket_mode", socket_mode)
    async with running_slack(tmp_path, monkeypatch, slack_app_token="xapp-1-test") as slack:
        slack.api.channel_members[CHANNEL] = [*PEOPLE, "UBOT"]
        assert slack.start_socket_mode is not None
        await slack.start_socket_mode()
        await set_up(slack)
        message = await start_pulse(slack)
        round_id = button(message.args, "tryghed_answer")["value"]
        form = await open_form(slack, round_id, PEOPLE[1])
        answers = {b["block_id"]: radio("4") for b in form["blocks"] if b["type"] == "input"}
        payload: dict[str, Any] = slack.submission(form, answers, user=PEOPLE[1])

        # As bolt's Socket Mode adapter hands a request to the app.
        response = await connected[0].async_dispatch(
            AsyncBoltRequest(body=payload, mode="socket_mode")
        )

        assert response.status == 200
        ack = json.loads(response.body)
        assert ack["response_action"] == "update"
        assert "Your answer counts" in block_text(ack["view"]["blocks"])
        assert (await slack.pulse.status(round_id)).respondents == 1
        await settle()
        await until(
            lambda: any(
                "1 of" in block_text(c.args.get("blocks", []))
                for c in slack.api.calls_to("chat.update", ok_only=True)
                if c.args["ts"] == channel_posts(slack)[-1].response["ts"]
            )
        )
