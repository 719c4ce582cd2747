"""Teams requests are authenticated whenever an app id is set, and hostile payloads get a 4xx
at worst (R2, R3); a configuration that would skip authentication stops start-up."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp import web
from botbuilder.integration.aiohttp import ConfigurationServiceClientCredentialFactory

from app.main import running_service
from app.settings import Settings, SettingsError, load_settings
from app.wiring.msteams import bot_config
from content.loader import default_pack
from tests.bot.msteams.harness import (
    CHANNEL,
    FACILITATOR,
    PEOPLE,
    TENANT,
    Teams,
    action,
    running_teams,
)
from tests.bot.msteams.steps import SETUP, answer, start_pulse
from tests.conftest import harness_settings

APP_ID = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
SECURE = {
    "teams_insecure_no_auth": False,
    "microsoft_app_id": APP_ID,
    "microsoft_app_password": "not-a-real-secret",
    "microsoft_app_tenant_id": TENANT,
}


@pytest.fixture
async def secured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Teams]:
    """Tryghed with an app id: every request must carry a valid Bot Framework token."""
    async with running_teams(tmp_path, monkeypatch, **SECURE) as running:
        running.connector.rosters[CHANNEL] = list(PEOPLE)
        yield running


async def _nothing_happened(teams: Teams) -> None:
    assert teams.connector.calls == []
    assert await teams.pulse.teams_with_role("teams", TENANT, FACILITATOR.aad) == []


def _setup_message(teams: Teams) -> dict[str, Any]:
    return teams.activity(
        "message",
        person=FACILITATOR,
        conversation=teams.in_channel(CHANNEL, "1"),
        text=f"<at>Tryghed</at> {SETUP}",
    )


async def test_a_request_without_a_token_is_refused(secured: Teams) -> None:
    assert (await secured.post(_setup_message(secured))).status == 401
    await _nothing_happened(secured)


@pytest.mark.parametrize(
    "token",
    [
        "Bearer not-a-jwt",
        "Basic dXNlcjpwYXNz",
        "Bearer " + jwt.encode({"iss": "https://evil.example", "aud": APP_ID}, "k" * 32),
        "Bearer " + jwt.encode({"iss": "https://evil.example", "aud": APP_ID}, "k" * 32) + "x",
    ],
)
async def test_a_bad_token_is_refused(secured: Teams, token: str) -> None:
    response = await secured.post(_setup_message(secured), {"Authorization": token})
    assert response.status == 401
    await _nothing_happened(secured)


async def test_health_still_answers_with_auth_on(secured: Teams) -> None:
    assert (await secured.http.get("/healthz")).status == 200


def test_our_configuration_object_turns_authentication_on() -> None:
    config = bot_config(harness_settings(SECURE))
    factory = ConfigurationServiceClientCredentialFactory(config)
    assert factory._inner.app_id == APP_ID
    assert factory._inner.tenant_id == TENANT
    # The trap we guard against: the same values in a dict leave botbuilder with no app id.
    loose = ConfigurationServiceClientCredentialFactory(
        {"APP_ID": APP_ID, "APP_TYPE": "MultiTenant"}
    )
    assert loose._inner.app_id is None


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"MICROSOFT_APP_PASSWORD": "secret"}, "MICROSOFT_APP_ID"),
        ({"MICROSOFT_APP_ID": "", "MICROSOFT_APP_TENANT_ID": TENANT}, "MICROSOFT_APP_ID"),
        ({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "s"}, "MICROSOFT_APP_TENANT_ID"),
        ({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_TENANT_ID": TENANT}, "MICROSOFT_APP_PASSWORD"),
        (
            {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "s", "MICROSOFT_APP_TYPE": "x"},
            "MICROSOFT_APP_TYPE",
        ),
        (
            {"MICROSOFT_APP_ID": APP_ID, "TRYGHED_TEAMS_INSECURE_NO_AUTH": "true"},
            "TRYGHED_TEAMS_INSECURE_NO_AUTH",
        ),
    ],
)
async def test_a_configuration_without_auth_does_not_start(
    env: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        async with running_service(load_settings(), default_pack(), schedule=False):
            pytest.fail("the service started")  # pragma: no cover
    message = str(refused.value)
    assert named in message
    assert "\n" not in message


async def test_multi_tenant_needs_no_tenant_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "secret")
    monkeypatch.setenv("MICROSOFT_APP_TYPE", "MultiTenant")
    settings = load_settings()
    settings.check_teams()
    async with running_service(settings, default_pack(), schedule=False) as service:
        assert "/api/messages" in _paths(service.app)


async def test_teams_stays_off_without_its_variables() -> None:
    settings = Settings()
    assert not settings.teams_enabled
    async with running_service(settings, default_pack(), schedule=False) as service:
        assert "/api/messages" not in _paths(service.app)


def _paths(app: web.Application) -> set[str]:
    return {r.resource.canonical for r in app.router.routes() if r.resource is not None}


async def test_the_insecure_mode_warns_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running_teams(tmp_path, monkeypatch):
        pass
    (warning,) = [r for r in caplog.records if "TRYGHED_TEAMS_INSECURE_NO_AUTH" in r.message]
    assert warning.levelno == logging.WARNING
    assert "AUTHENTICATION IS OFF" in warning.message


# Hostile and malformed payloads (R3): a 4xx or a kind answer, never a 5xx, nothing stored.


async def test_what_is_not_an_activity_is_refused(teams: Teams) -> None:
    http = teams.http
    assert (await http.post("/api/messages", data=b"{", headers=_json())).status == 400
    assert (await http.post("/api/messages", data=b"[1, 2]", headers=_json())).status == 400
    assert (await http.post("/api/messages", data=b'{"text": "hi"}', headers=_json())).status == 400
    assert (await http.post("/api/messages", data=b"type=message")).status == 415
    assert (await http.get("/api/messages")).status == 405


def _json() -> dict[str, str]:
    return {"Content-Type": "application/json"}


async def test_odd_invokes_get_a_4xx_or_an_error_body(teams: Teams) -> None:
    unknown = teams.activity(
        "invoke", person=FACILITATOR, conversation=teams.in_channel(), name="task/fetch", value={}
    )
    assert (await teams.post(unknown)).status == 400
    for value in (None, "text", {"action": "x"}, {"action": {"type": "Action.Execute"}}):
        invoke = teams.activity(
            "invoke",
            person=FACILITATOR,
            conversation=teams.in_channel(),
            name="adaptiveCard/action",
            value=value,
        )
        response = await teams.post(invoke)
        assert response.status == 200
        body = await response.json()
        assert body["statusCode"] == 400
        assert body["type"] == "application/vnd.microsoft.error"
    strange = await teams.execute(
        "tryghed_no_such_verb",
        {},
        person=FACILITATOR,
        conversation=teams.in_channel(),
        reply_to=None,
    )
    assert (await strange.json())["statusCode"] == 400


@pytest.mark.slow  # Hypothesis draws many activities
async def test_fuzzed_activities_never_break_the_service(teams: Teams) -> None:
    await teams.say(SETUP, person=FACILITATOR)
    pulse = await start_pulse(teams)
    await answer(teams, pulse, PEOPLE[1], value=3)
    seeds = [
        teams.activity("message", person=PEOPLE[2], conversation=teams.in_channel(), text="hi"),
        teams.activity(
            "invoke",
            person=PEOPLE[2],
            conversation=teams.in_channel(),
            name="adaptiveCard/action",
            value={"action": {"type": "Action.Execute", "verb": "tryghed_answer", "data": {}}},
        ),
        teams.activity("conversationUpdate", person=PEOPLE[2], conversation=teams.in_channel()),
        teams.activity("installationUpdate", person=PEOPLE[2], conversation=teams.in_channel()),
    ]
    odd: list[Any] = [
        None,
        "",
        0,
        -1,
        10**12,
        True,
        [],
        {},
        ["x"],
        {"id": 3},
        "<at>x</at>",
        "ø" * 300,
    ]
    rng = random.Random(4)
    for _ in range(1500):
        activity = dict(rng.choice(seeds))
        for key in rng.sample(sorted(activity), k=rng.randint(1, 3)):
            if rng.random() < 0.3:
                del activity[key]
            else:
                activity[key] = rng.choice(odd)
        response = await teams.post(activity)
        assert response.status < 500, (activity, response.status)
    round_id = action(pulse.cards[0], "tryghed_answer")["data"]["value"]
    assert (await teams.pulse.status(round_id)).respondents == 1
