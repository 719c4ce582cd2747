"""Participation on SQL asks the database once per lookup, whatever the channel's size."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.unit_of_work import SqlStorage
from surveys.ballot import Participant
from tests.builders import a_round, a_team
from tests.storage.statements import statements


async def test_among_is_one_query_for_a_few_or_for_thousands(engine: AsyncEngine) -> None:
    storage = SqlStorage(engine)
    team = a_team()
    round_ = a_round(team)
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.rounds.add(round_, salt=b"s" * 32)
        for n in range(50):
            await uow.participation.enter([Participant(round_.id, f"m{n:04d}")])
        await uow.commit()
    database = str(engine.url.database)
    for size in (1, 400, 2000, 10_000):
        keys = [f"m{n:04d}" for n in range(size)]
        async with storage() as uow:
            with statements(database) as seen:
                found = await uow.participation.among(round_.id, keys)
        assert found == set(keys[:50])
        assert len([s for s in seen if "participation" in s]) == 1, (size, seen)
