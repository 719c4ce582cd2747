"""Fixtures for the Teams tests: the running app with a fake Bot Framework connector."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.msteams.harness import CHANNEL, PEOPLE, TEAM, Teams, running_teams


@pytest.fixture
async def teams(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Teams]:
    """Tryghed installed in a team whose Pulse channel has nine people."""
    async with running_teams(tmp_path, monkeypatch) as running:
        running.connector.rosters[CHANNEL] = list(PEOPLE)
        running.connector.rosters[TEAM] = list(PEOPLE)
        response = await running.install()
        assert response.status in (200, 201)
        yield running
        running.connector.assert_clean()
