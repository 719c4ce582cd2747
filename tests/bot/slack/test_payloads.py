"""The payload shapes bolt can read; anything else is refused before it reaches bolt."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack.payloads import payload_problem

PRESS = {
    "type": "block_actions",
    "user": {"id": "U1"},
    "actions": [{"action_id": "tryghed_answer", "value": "r"}],
}
FORM = {
    "type": "view_submission",
    "user": {"id": "U1"},
    "view": {"callback_id": "tryghed_answer_form", "state": {"values": {}}},
}
EVENT = {"type": "event_callback", "event": {"type": "app_home_opened"}}


@pytest.mark.parametrize(
    "body",
    [
        PRESS,
        FORM,
        EVENT,
        {"command": "/tryghed", "user_id": "U1", "text": ""},
        {"type": "url_verification", "challenge": "c"},
        {"type": "something_else"},
        {**FORM, "enterprise": None, "team": None},
    ],
)
def test_what_slack_sends_passes(body: dict[str, Any]) -> None:
    assert payload_problem(body) is None


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ([1, 2], "not a JSON object"),
        ({**PRESS, "user": "U1"}, "user is not an object"),
        ({**PRESS, "actions": []}, "a button press without its action"),
        ({**PRESS, "actions": ["x"]}, "a button press without its action"),
        ({**PRESS, "actions": [{"value": "r"}]}, "a button press without its action"),
        ({**PRESS, "user": {}}, "an interaction from nobody"),
        ({**FORM, "view": {"state": {"values": {}}}}, "a form without its callback id"),
        ({**FORM, "view": {"callback_id": "f", "state": "s"}}, "a form without its state"),
        ({**EVENT, "event": None}, "event is null"),
        ({**EVENT, "event": {}}, "an event without a type"),
        ({**EVENT, "event": {"type": "tokens_revoked", "tokens": []}}, "an event with tokens"),
        ({**EVENT, "authorizations": [None]}, "authorizations are not objects"),
        ({"command": "/tryghed", "user_id": ""}, "a command from nobody"),
    ],
)
def test_what_bolt_cannot_read_is_named(body: Any, problem: str) -> None:
    found = payload_problem(body)
    assert found is not None
    assert found.startswith(problem)
