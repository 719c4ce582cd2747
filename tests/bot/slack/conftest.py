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
