"""A form body's payload read as urllib reads it; the payload shapes bolt can read, anything
else refused before it reaches bolt."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack.payloads import form_payload, payload_problem

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


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_a_form_payload_reads_as_urllib_reads_it(text: str) -> None:
    body = urlencode({"payload": text}).encode()
    assert form_payload(body) == parse_qs(body.decode(), keep_blank_values=True)["payload"][0]


@given(st.lists(st.sampled_from(["%", "%4", "%41", "%e2%80%93", "=", "+", "\n", "\r", "a", " "])))
def test_a_payload_slack_would_not_encode_so_reads_as_urllib_reads_it(parts: list[str]) -> None:
    body = f"payload={''.join(parts)}".encode()
    assert form_payload(body) == parse_qs(body.decode(), keep_blank_values=True)["payload"][0]


@pytest.mark.parametrize(
    "body", [b"", b"command=%2Ftryghed&text=pulse", b'{"type":"event_callback"}', b"payload=1&x=2"]
)
def test_other_bodies_carry_no_form_payload(body: bytes) -> None:
    assert form_payload(body) is None
