"""An answer form that fails on its way through the events route (which serves answers
itself, not bolt) leaves no trace of who answered or what in the log: the attacker reads the
log, and the failure's own message quotes the person and their answers."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.bot.slack.conftest import PEOPLE
from tests.bot.slack.harness import Slack, radio
from tests.bot.slack.steps import button, open_form, set_up, start_pulse


async def test_a_failing_answer_logs_neither_person_nor_answers(
    slack: Slack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await set_up(slack)
    round_id = button((await start_pulse(slack)).args, "tryghed_answer")["value"]
    form = await open_form(slack, round_id, PEOPLE[4])
    answers = {b["block_id"]: radio("2") for b in form["blocks"] if b["type"] == "input"}

    async def failing(round_id: str, *, user_id: str, answers: Any, **_: Any) -> None:
        raise RuntimeError(f"could not store {user_id}'s answers {dict(answers)}")

    monkeypatch.setattr(slack.pulse, "submit", failing)
    caplog.set_level(logging.DEBUG)
    response = await slack.submit(form, answers, user=PEOPLE[4])

    assert response.status == 200  # the person is told it went wrong, in the form's place
    logged = "\n".join(
        f"{r.getMessage()} {r.exc_text or ''} {r.exc_info or ''}" for r in caplog.records
    )
    assert "RuntimeError" in logged  # the failure is told, as its type and place
    assert PEOPLE[4] not in logged
    assert not any(statement in logged for statement in answers)
