"""botbuilder's authentication, with the clients it gives every turn made once and reused.

For each activity botbuilder 4.17 builds a new ConnectorClient and a new UserTokenClient, and
each builds msrest's retry policy (a 999-by-500 list scan) and a requests Session: over half
of the CPU an answer costs, for clients an invoke never calls (its reply is the HTTP
response). They depend only on the bot's app id, the service URL and the audience, all
checked by then, so one of each per such key serves every turn.
"""

from __future__ import annotations

from typing import Any

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)

# (app id, service URL, audience): keys come only from authenticated requests, whose service
# URL is a signed claim, so there are as many as Teams regions the bot is reached from.
ClientKey = tuple[str, str, str | None]


def app_id_of(identity: ClaimsIdentity) -> str:
    """The bot's app id a turn acts as (botbuilder's own rule: audience, else appid)."""
    claims = identity.claims or {}
    return str(
        claims.get(AuthenticationConstants.AUDIENCE_CLAIM)
        or claims.get(AuthenticationConstants.APP_ID_CLAIM)
        or ""
    )


class _SharedConnectors(ConnectorFactory):  # type: ignore[misc]
    """A turn's connector factory, answering from the shared clients."""

    def __init__(
        self, factory: ConnectorFactory, app_id: str, clients: dict[ClientKey, ConnectorClient]
    ) -> None:
        self._factory = factory
        self._app_id = app_id
        self._clients = clients

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        """The client for `service_url` and `audience`, made on first use."""
        key = (self._app_id, service_url, audience)
        if key not in self._clients:
            client = await self._factory.create(service_url, audience)
            # Two first turns at once: keep one (the other never opened a session).
            self._clients.setdefault(key, client)
        return self._clients[key]


class ReusedTurnClients(ConfigurationBotFrameworkAuthentication):  # type: ignore[misc]
    """ConfigurationBotFrameworkAuthentication whose per-turn clients are made once."""

    def __init__(self, configuration: Any, **options: Any) -> None:
        super().__init__(configuration, **options)
        self._connectors: dict[ClientKey, ConnectorClient] = {}
        self._token_clients: dict[str, UserTokenClient] = {}

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        """botbuilder's checks, unchanged; the result's connector factory shares clients."""
        result = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            app_id = app_id_of(result.claims_identity)
            result.connector_factory = _SharedConnectors(
                result.connector_factory, app_id, self._connectors
            )
        return result

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        """One user token client per app id (Tryghed has no sign-in; botbuilder wants one)."""
        app_id = app_id_of(claims_identity)
        if app_id not in self._token_clients:
            client = await super().create_user_token_client(claims_identity)
            self._token_clients.setdefault(app_id, client)
        return self._token_clients[app_id]

    async def close(self) -> None:
        """Close the shared connector clients' HTTP sessions (at shutdown)."""
        clients, self._connectors = list(self._connectors.values()), {}
        for client in clients:
            await client.__aexit__(None, None, None)
