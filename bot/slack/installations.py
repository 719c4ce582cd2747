"""slack_sdk's installation and OAuth state stores on our database (tables: our migrations)."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore

STATE_SECONDS = 600

log = logging.getLogger(__name__)


def installation_stores(
    engine: Any, client_id: str
) -> tuple[AsyncSQLAlchemyInstallationStore, AsyncSQLAlchemyOAuthStateStore]:
    """The stores on `engine` (an AsyncEngine from storage; typed loosely to keep SQLAlchemy
    out of this package)."""
    return (
        AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine, logger=log),
        AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine, logger=log),
    )
