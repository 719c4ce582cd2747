"""The sandbox in a real browser: a person clicks through whole rounds as several people."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.sandbox.browser import Sandbox

pytestmark = pytest.mark.slow

IMAGES = Path(__file__).resolve().parents[3] / "docs" / "images"


def test_a_whole_round_by_four_colleagues_and_you(sandbox: Sandbox) -> None:
    assert "Before the first round" in sandbox.messages()  # the kickoff, for you alone
    sandbox.say("/tryghed pulse")
    sandbox.wait_for_text("0 of 7 have answered")
    sandbox.press("Answer")
    sandbox.answer_form(4)
    assert "Only you can see this" in sandbox.last_message()
    sandbox.colleagues_answer(4)
    assert sandbox.flash() == "4 colleagues answered."
    sandbox.wait_for_text("5 of 7 have answered")
    sandbox.move_time("deadline")
    summary = sandbox.last_message()
    assert "5 of 7 answered" in summary
    sandbox.page.screenshot(path=str(IMAGES / "sandbox.png"))
