"""The `platform` fixture: every scenario here runs once on each chat platform.

A new platform joins with an adapter implementing `Platform` and one line in `PLATFORMS`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from tests.scenarios.chat.msteams import teams_platform
from tests.scenarios.chat.platform import Platform
from tests.scenarios.chat.sandbox import sandbox_platform
from tests.scenarios.chat.slack import slack_platform

Start = Callable[[Path, pytest.MonkeyPatch], AbstractAsyncContextManager[Platform]]

PLATFORMS: dict[str, Start] = {
    "slack": slack_platform,
    "teams": teams_platform,
    "sandbox": sandbox_platform,
}


@pytest.fixture(params=sorted(PLATFORMS))
async def platform(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Platform]:
    """A running Tryghed with one chat platform around it (its id: the platform's name)."""
    async with PLATFORMS[request.param](tmp_path, monkeypatch) as running:
        yield running
