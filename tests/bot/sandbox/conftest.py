"""The real `tryghed serve` with the sandbox on, and a headless Chromium to use it with."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.app.test_serve import environment, serving
from tests.bot.sandbox.browser import CHROMIUM_ARGS, Sandbox, chromium_or_skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per module."""
    executable = chromium_or_skip()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def sandbox(browser: Browser, tmp_path: Path) -> Iterator[Sandbox]:
    """A fresh service (its own SQLite file, no Slack or Teams) and a page on it."""
    env = environment(TRYGHED_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 't.db'}")
    with serving(tmp_path, env=env) as running:
        context = browser.new_context(
            viewport={"width": 1280, "height": 1000}, locale="en-GB", device_scale_factor=1
        )
        try:
            page = Sandbox(context.new_page(), f"{running.url}/")
            page.open()
            yield page
        finally:
            context.close()
