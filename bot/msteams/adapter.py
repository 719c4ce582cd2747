"""The botbuilder CloudAdapter, configured from plain values, with authentication asserted."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationServiceClientCredentialFactory,
)

from bot.msteams.turn_clients import ReusedTurnClients

log = logging.getLogger(__name__)


class BotConfig:
    """The configuration object botbuilder reads by attribute name."""

    # botbuilder uses hasattr/getattr with these exact upper-case names and treats anything
    # missing as empty: a dict or a misspelt name silently turns authentication off.
    def __init__(self, *, app_id: str, password: str, app_type: str, tenant_id: str) -> None:
        self.APP_ID = app_id
        self.APP_PASSWORD = password
        self.APP_TYPE = app_type
        self.APP_TENANTID = tenant_id


@dataclass(frozen=True)
class Adapter:
    """The adapter, its authentication, and the app id proactive messages are sent as."""

    adapter: CloudAdapter
    authentication: ReusedTurnClients
    app_id: str


class AdapterRefused(Exception):
    """botbuilder would not check requests the way the configuration asks; the text says why."""


async def cloud_adapter(config: BotConfig, *, insecure_no_auth: bool) -> Adapter:
    """The adapter, after checking that botbuilder checks requests exactly when we expect it."""
    try:
        credentials = ConfigurationServiceClientCredentialFactory(config)
    except Exception as error:  # botbuilder raises bare Exceptions naming its own attributes
        raise AdapterRefused(
            f"MICROSOFT_APP_*: botbuilder refused the configuration ({error})"
        ) from None
    disabled = bool(await credentials.is_authentication_disabled())
    if disabled != insecure_no_auth or not (
        disabled or await credentials.is_valid_app_id(config.APP_ID)
    ):
        raise AdapterRefused(
            "MICROSOFT_APP_ID: botbuilder did not take the app id, so Teams requests would go "
            "unchecked; refusing to start"
        )
    if disabled:
        log.warning(
            "TEAMS AUTHENTICATION IS OFF (TRYGHED_TEAMS_INSECURE_NO_AUTH=true): anyone who can "
            "reach /api/messages can act as any Teams user. Use this only for local tests."
        )
    authentication = ReusedTurnClients(config, credentials_factory=credentials)
    return Adapter(
        adapter=CloudAdapter(authentication), authentication=authentication, app_id=config.APP_ID
    )
