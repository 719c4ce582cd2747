"""Requests Slack did not sign are refused before anything happens (R1)."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.bot.slack.harness import SIGNING_SECRET, Slack, signed

COMMAND = urlencode(
    {
        "team_id": "T0001",
        "channel_id": "C0001",
        "user_id": "UP01",
        "command": "/tryghed",
        "text": "setup weekly mon 09:00 Europe/Copenhagen da",
        "response_url": "http://127.0.0.1:9/unused",
        "trigger_id": "t",
    }
)


async def _nothing_happened(slack: Slack) -> None:
    assert slack.api.calls == []
    assert slack.api.responses == []
    assert await slack.pulse.teams_with_role("slack", "T0001", "UP01") == []


async def test_an_unsigned_request_is_refused(slack: Slack) -> None:
    response = await slack.post(COMMAND, {"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 401
    await _nothing_happened(slack)


async def test_a_wrong_signature_is_refused(slack: Slack) -> None:
    response = await slack.post(COMMAND, signed(COMMAND, secret="not-" + SIGNING_SECRET))
    assert response.status == 401
    await _nothing_happened(slack)


async def test_a_stale_request_is_refused(slack: Slack) -> None:
    response = await slack.post(COMMAND, signed(COMMAND, age=6 * 60))
    assert response.status == 401
    await _nothing_happened(slack)


async def test_a_tampered_body_is_refused(slack: Slack) -> None:
    headers = signed(COMMAND)
    response = await slack.post(COMMAND.replace("UP01", "UP02"), headers)
    assert response.status == 401
    await _nothing_happened(slack)


async def test_health_answers(slack: Slack) -> None:
    assert (await slack.http.get("/healthz")).status == 200
    ready = await slack.http.get("/readyz")
    assert ready.status == 200
    assert (await ready.json())["checks"] == {
        "database": True,
        "migrations": True,
        "scheduler": True,
    }
