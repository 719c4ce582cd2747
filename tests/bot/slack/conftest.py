"""Fixtures for the Slack tests: the running app with a fake Slack around it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.slack.harness import CHANNEL, Slack, running_slack

PEOPLE = [f"UP{n:02d}" for n in range(1, 10)]
FACILITATOR = PEOPLE[0]


@pytest.fixture
async def slack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Slack]:
    """Tryghed with Slack in single-workspace mode; the channel has nine people and the bot."""
    async with running_slack(tmp_path, monkeypatch) as running:
        running.api.channel_members[CHANNEL] = [*PEOPLE, "UBOT"]
        yield running
        running.api.assert_clean()


PUBLIC_URL = "https://tryghed.example.org"


@pytest.fixture
async def oauth_slack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Slack]:
    """Tryghed with Slack in multi-workspace (OAuth) mode; the channel has three people."""
    async with running_slack(
        tmp_path,
        monkeypatch,
        slack_bot_token=None,
        slack_client_id="111.222",
        slack_client_secret="client-secret-for-tests",
        public_url=PUBLIC_URL,
    ) as running:
        running.api.channel_members[CHANNEL] = ["UP01", "UP02", "UP03", "UBOT"]
        yield running
        running.api.assert_clean()
