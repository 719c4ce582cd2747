"""A running Tryghed with Slack on, a fake Slack Web API, and signed requests over HTTP."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.signature import SignatureVerifier

from app.main import running_service
from app.wiring.slack import finish_listeners
from content.loader import default_pack
from surveys.service import PulseService
from tests.conftest import harness_settings, isolate
from tests.fakes.clock import ShiftedClock
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_events import envelope_problems
from tests.fakes.waits import Waits

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
WORKSPACE = "T0001"
CHANNEL = "C0001"


def signed(body: str, *, secret: str = SIGNING_SECRET, age: float = 0) -> dict[str, str]:
    """Headers Slack would send with `body`."""
    timestamp = str(int(time.time() - age))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None
    return {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
    }


async def until(check: Callable[[], bool], *, seconds: float = 5.0) -> None:
    """Wait for work bolt finishes after acknowledging (it runs on after the HTTP answer)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the bot")
        await asyncio.sleep(0.01)


async def until_at_least(count_now: Callable[[], int], wanted: int) -> None:
    """Wait until `count_now()` reaches `wanted`."""
    await until(lambda: count_now() >= wanted)


@dataclass
class Slack:
    """The app under test, and the fake Slack around it."""

    http: TestClient[Any, Any]
    api: FakeSlackApi
    pulse: PulseService
    clock: ShiftedClock
    waits: Waits = field(default_factory=Waits)  # the Web API client's retry waits
    # Connects Socket Mode when SLACK_APP_TOKEN is set (`socket_mode` patched in a test).
    start_socket_mode: Callable[[], Awaitable[Callable[[], Awaitable[None]]]] | None = None
    _ids: count[int] = field(default_factory=lambda: count(1))

    async def post(self, body: str, headers: Mapping[str, str] | None = None) -> ClientResponse:
        """POST a raw body to /slack/events."""
        return await self.http.post(
            "/slack/events", data=body, headers=dict(headers or signed(body))
        )

    async def command(self, text: str, *, user: str, channel: str = CHANNEL) -> ClientResponse:
        """`/tryghed text` typed by `user` in `channel`."""
        n = next(self._ids)
        body = urlencode(
            {
                "token": "legacy",
                "team_id": WORKSPACE,
                "team_domain": "tryghed-test",
                "channel_id": channel,
                "channel_name": "team",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/tryghed",
                "text": text,
                "api_app_id": "A0001",
                "response_url": self.api.response_url(f"cmd-{n}"),
                "trigger_id": f"trigger-{n}",
            }
        )
        return await self.post(body)

    async def press(
        self,
        action_id: str,
        value: str,
        *,
        user: str,
        channel: str = CHANNEL,
        message_ts: str = "1700000000.000100",
    ) -> ClientResponse:
        """A button press on a message in `channel`."""
        n = next(self._ids)
        payload = {
            "type": "block_actions",
            "team": {"id": WORKSPACE, "domain": "tryghed-test"},
            "user": {"id": user, "team_id": WORKSPACE, "username": user.lower()},
            "api_app_id": "A0001",
            "token": "legacy",
            "trigger_id": f"trigger-{n}",
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
            "channel": {"id": channel, "name": "team"},
            "message": {"ts": message_ts, "type": "message", "text": ""},
            "response_url": self.api.response_url(f"act-{n}"),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "b",
                    "value": value,
                    "action_ts": str(time.time()),
                }
            ],
        }
        return await self.post(urlencode({"payload": json.dumps(payload)}))

    async def submit(
        self, view: Mapping[str, Any], answers: Mapping[str, Mapping[str, Any]], *, user: str
    ) -> ClientResponse:
        """Submit a modal the bot opened; `answers` are element states by block id
        (see `radio`, `select`, `text_input`, `users`, `checks`)."""
        return await self.post(
            urlencode({"payload": json.dumps(self.submission(view, answers, user=user))})
        )

    def submission(
        self, view: Mapping[str, Any], answers: Mapping[str, Mapping[str, Any]], *, user: str
    ) -> dict[str, Any]:
        """The payload of a modal the bot opened, submitted with `answers`."""
        return {
            "type": "view_submission",
            "team": {"id": WORKSPACE, "domain": "tryghed-test"},
            "user": {"id": user, "team_id": WORKSPACE, "username": user.lower()},
            "api_app_id": "A0001",
            "token": "legacy",
            "trigger_id": f"trigger-{next(self._ids)}",
            "view": {
                **view,
                "id": view.get("id", "V1"),
                "state": {"values": {k: {"value": dict(v)} for k, v in answers.items()}},
            },
        }

    async def event(
        self, event: Mapping[str, Any], *, event_id: str, retry: int | None = None
    ) -> ClientResponse:
        """An Events API callback in Slack's envelope (optionally marked as Slack's retry)."""
        callback = {
            "token": "legacy",
            "team_id": WORKSPACE,
            "api_app_id": "A0001",
            "event": {"event_ts": f"{time.time():.6f}", **event},
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": WORKSPACE, "user_id": "UBOT", "is_bot": True}],
        }
        assert envelope_problems(callback) == []
        body = json.dumps(callback)
        headers = {**signed(body), "Content-Type": "application/json"}
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(body, headers)

    def replies(self) -> list[dict[str, Any]]:
        """What the bot said privately through response URLs, oldest first."""
        return [post.body for post in self.api.responses]

    def last_reply_text(self) -> str:
        """The text of the newest private reply (its blocks, flattened)."""
        return block_text(self.replies()[-1].get("blocks", []))


def radio(value: str) -> dict[str, Any]:
    """The state of a radio group with `value` chosen."""
    return {"type": "radio_buttons", "selected_option": {"value": value}}


def select(value: str) -> dict[str, Any]:
    """The state of a select menu with `value` chosen."""
    return {"type": "static_select", "selected_option": {"value": value}}


def text_input(value: str) -> dict[str, Any]:
    """The state of a text input."""
    return {"type": "plain_text_input", "value": value}


def users(*ids: str) -> dict[str, Any]:
    """The state of a people picker."""
    return {"type": "multi_users_select", "selected_users": list(ids)}


def checks(*values: str) -> dict[str, Any]:
    """The state of a set of checkboxes."""
    return {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}


def block_text(blocks: Any) -> str:
    """Every string in a Block Kit structure, joined: what a person would read."""
    if isinstance(blocks, str):
        return blocks
    if isinstance(blocks, Mapping):
        return " ".join(block_text(v) for k, v in blocks.items() if k not in ("type", "action_id"))
    if isinstance(blocks, list):
        return " ".join(block_text(item) for item in blocks)
    return ""


async def settle(seconds: float = 10.0) -> None:
    """Let bolt's listeners finish: they run on after the HTTP answer."""
    await finish_listeners(seconds)


@asynccontextmanager
async def running_slack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, schedule: bool = True, **settings: Any
) -> AsyncIterator[Slack]:
    """Tryghed on a fresh SQLite file in `tmp_path`, Slack pointed at a fake Web API (without
    `schedule`, no timers: nothing touches the database unless a test does); `settings`
    override the harness's `Settings` fields."""
    async with FakeSlackApi() as api:
        isolate(monkeypatch, tmp_path)
        configured = harness_settings(
            {
                "database_url": f"sqlite+aiosqlite:///{tmp_path / 'tryghed.db'}",
                "slack_signing_secret": SIGNING_SECRET,
                "slack_bot_token": "xoxb-test",
                "slack_api_url": api.url,
                "slack_count_delay": 0,  # counts at once (the delay: test_updates.py)
            }
            | settings
        )
        clock, waits = ShiftedClock(), Waits()
        async with (
            running_service(
                configured, default_pack(), schedule=schedule, clock=clock, retry_sleep=waits
            ) as service,
            TestServer(service.app) as server,
            TestClient[Any, Any](server) as http,
        ):
            yield Slack(
                http=http,
                api=api,
                pulse=service.pulse,
                clock=clock,
                waits=waits,
                start_socket_mode=service.start_socket_mode,
            )
            await settle()
