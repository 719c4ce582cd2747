"""The event envelope check finds what Slack's spec requires."""

from __future__ import annotations

from typing import Any

from tests.fakes.slack_events import envelope_problems

CALLBACK: dict[str, Any] = {
    "token": "legacy",
    "team_id": "T0001",
    "api_app_id": "A0001",
    "event": {"type": "app_uninstalled", "event_ts": "1700000000.000100"},
    "type": "event_callback",
    "event_id": "Ev1",
    "event_time": 1700000000,
    "authorizations": [{"team_id": "T0001", "user_id": "UBOT", "is_bot": True}],
}


def test_a_callback_as_slack_sends_it_passes() -> None:
    assert envelope_problems(CALLBACK) == []


def test_a_missing_event_id_and_event_ts_are_named() -> None:
    body = {k: v for k, v in CALLBACK.items() if k != "event_id"}
    body["event"] = {"type": "app_uninstalled"}
    problems = envelope_problems(body)
    assert any("'event_id' is a required property" in p for p in problems)
    assert any(p.startswith("event: 'event_ts'") for p in problems)


def test_a_wrong_type_is_named() -> None:
    assert envelope_problems({**CALLBACK, "event_time": "soon"}) == [
        "event_time: 'soon' is not of type 'integer'"
    ]
