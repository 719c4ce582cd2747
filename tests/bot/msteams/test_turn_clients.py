"""The clients botbuilder hands every turn are made once per app id, service URL and audience,
and authentication itself is botbuilder's, unchanged."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from botbuilder.schema import Activity
from botframework.connector.auth import ClaimsIdentity

from bot.msteams.adapter import BotConfig
from bot.msteams.turn_clients import ReusedTurnClients, app_id_of

APP_ID = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
EUROPE = "https://smba.trafficmanager.net/emea/"
AMERICAS = "https://smba.trafficmanager.net/amer/"


def _activity(service_url: str) -> Activity:
    return Activity(type="invoke", channel_id="msteams", service_url=service_url)


@pytest.fixture
async def insecure() -> AsyncIterator[ReusedTurnClients]:
    """The authentication of the explicit insecure local mode (no app id)."""
    config = BotConfig(app_id="", password="", app_type="MultiTenant", tenant_id="")
    authentication = ReusedTurnClients(config)
    yield authentication
    await authentication.close()


async def test_turns_share_one_connector_client_per_service_url(
    insecure: ReusedTurnClients,
) -> None:
    first = await insecure.authenticate_request(_activity(EUROPE), "")
    second = await insecure.authenticate_request(_activity(EUROPE), "")
    elsewhere = await insecure.authenticate_request(_activity(AMERICAS), "")
    client = await first.connector_factory.create(EUROPE, first.audience)
    assert await second.connector_factory.create(EUROPE, second.audience) is client
    assert await elsewhere.connector_factory.create(AMERICAS, elsewhere.audience) is not client
    assert client.config.base_url == EUROPE


async def test_turns_share_one_user_token_client(insecure: ReusedTurnClients) -> None:
    first = await insecure.authenticate_request(_activity(EUROPE), "")
    second = await insecure.authenticate_request(_activity(AMERICAS), "")
    made = await insecure.create_user_token_client(first.claims_identity)
    assert await insecure.create_user_token_client(second.claims_identity) is made


async def test_a_request_without_a_token_is_still_refused_with_an_app_id() -> None:
    config = BotConfig(app_id=APP_ID, password="not-a-secret", app_type="MultiTenant", tenant_id="")
    authentication = ReusedTurnClients(config)
    with pytest.raises(PermissionError):
        await authentication.authenticate_request(_activity(EUROPE), "")
    identity = ClaimsIdentity({"aud": APP_ID}, True)
    made = await authentication.create_user_token_client(identity)
    assert await authentication.create_user_token_client(identity) is made
    await authentication.close()


def test_the_app_id_is_the_audience_else_the_appid_claim() -> None:
    assert app_id_of(ClaimsIdentity({"aud": "a", "appid": "b"}, True)) == "a"
    assert app_id_of(ClaimsIdentity({"appid": "b"}, True)) == "b"
    assert app_id_of(ClaimsIdentity({}, True)) == ""
