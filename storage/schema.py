"""The whole schema: our tables and those of slack_sdk's stores, for migrations and checks."""

from __future__ import annotations

from storage import slack_tables
from storage.tables import Base

METADATA = Base.metadata
SLACK_TABLES = (
    slack_tables.SLACK_INSTALLATIONS,
    slack_tables.SLACK_BOTS,
    slack_tables.SLACK_OAUTH_STATES,
)
