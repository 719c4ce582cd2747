"""Headless Chromium (Debian's) driven by Playwright, and the sandbox page as a person uses it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page

CHROMIUM = Path(os.environ.get("TRYGHED_TEST_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER_ENV = "TRYGHED_REQUIRE_BROWSER"
# Nothing from the network: the page must work with everything served locally.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 15_000


def chromium_or_skip() -> Path:
    """Chromium's path; without it, a clear skip on a developer's machine and a failure in
    CI (TRYGHED_REQUIRE_BROWSER=1, which .ci/run sets)."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = (
        f"no Chromium at {CHROMIUM}, so the browser tests do not run "
        "(apt-get install -y chromium chromium-driver)"
    )
    if os.environ.get(REQUIRE_BROWSER_ENV):
        pytest.fail(f"{reason} (and {REQUIRE_BROWSER_ENV} is set)")
    pytest.skip(reason)


class Sandbox:
    """The sandbox page, used the way a person would: type, press, choose, read."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url
        page.set_default_timeout(WAIT_MS)

    def open(self) -> None:
        self.page.goto(self.url)

    def say(self, text: str) -> None:
        composer = self.page.locator(".composer input[name=text]")
        composer.fill(text)
        with self.page.expect_navigation():
            composer.press("Enter")

    def be(self, person: str) -> None:
        """Play `person` (an id: you, ane, …, freja)."""
        with self.page.expect_navigation():
            self.page.select_option("#person", person)

    def colleagues_answer(self, count: int, how: str = "random") -> None:
        self.page.select_option(".colleagues select[name=count]", str(count))
        self.page.select_option(".colleagues select[name=how]", how)
        with self.page.expect_navigation():
            self.page.click(".colleagues button")

    def move_time(self, step: str) -> None:
        with self.page.expect_navigation():
            self.page.click(f".steps button[value={step}]")

    def press(self, label: str, *, within: Locator | None = None) -> None:
        """The last button with this label in the channel (or in `within`)."""
        scope = within or self.page.locator(".messages")
        with self.page.expect_navigation():
            scope.get_by_role("button", name=label, exact=True).last.click()

    def answer_form(self, point: int) -> None:
        """Fill the open answer form with `point` for every statement, and send it."""
        form = self.page.locator(".modal form")
        for scale in form.locator("fieldset.scale").all():
            scale.locator(f"input[value='{point}']").check()
        with self.page.expect_navigation():
            form.locator("button[value=send]").click()

    def messages(self) -> str:
        return self.page.locator(".messages").inner_text()

    def last_message(self) -> str:
        return self.page.locator(".messages > article").last.inner_text()

    def flash(self) -> str:
        return self.page.locator(".flash").inner_text()

    def wait_for_text(self, pattern: str) -> None:
        """Until the live channel shows `pattern` (it updates by itself)."""
        self.page.locator(".messages").get_by_text(re.compile(pattern)).last.wait_for()
