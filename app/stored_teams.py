"""The operator's commands on stored teams: list them, export one, delete one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.main import SystemClock
from app.settings import Settings
from content.schema import ContentPack
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.unit_of_work import SqlStorage
from surveys.export import TeamExport, export_team
from surveys.lifecycle import TeamLifecycle
from surveys.team import Team


@asynccontextmanager
async def _storage(settings: Settings) -> AsyncIterator[SqlStorage]:
    """The configured database, migrated (as `serve` would), closed afterwards."""
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        yield SqlStorage(engine)
    finally:
        await engine.dispose()


async def list_teams(settings: Settings) -> list[Team]:
    """Every team, oldest first."""
    async with _storage(settings) as storage, storage() as uow:
        return await uow.teams.all()


async def export(settings: Settings, content: ContentPack, team_id: str) -> TeamExport:
    """The team's gated aggregates (TeamNotSetUp, NothingToExport)."""
    async with _storage(settings) as storage:
        return await export_team(storage, content, team_id)


async def delete(settings: Settings, team_id: str) -> Team:
    """Delete the team and everything stored about it (TeamNotSetUp when there is none)."""
    async with _storage(settings) as storage:
        return await TeamLifecycle(unit_of_work=storage, clock=SystemClock()).delete_team(team_id)
