"""An answer on SQL is one read, one insert and one update, whatever else the round holds: the
round, its team, its salt and the count come in one statement (storage/rounds.py ballots),
which is all a round's status is; and answers that arrive together share those statements."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from storage.unit_of_work import SqlStorage
from surveys.errors import AlreadyAnswered, NotAMember
from surveys.manual_clock import ManualClock
from surveys.rounds import Round
from surveys.service import PulseService
from surveys.team import ChannelRef, TeamSettings
from tests.builders import T0
from tests.storage.statements import statements

MEMBERS = [f"U{n}" for n in range(40)]


async def test_an_answer_is_three_statements_and_so_is_a_refusal(engine: AsyncEngine) -> None:
    service = _service(engine)
    round_, answers = await _open(service)
    database = str(engine.url.database)
    for n, person in enumerate(MEMBERS[:3], start=1):
        with statements(database) as seen:
            status = await service.submit(round_.id, user_id=person, answers=answers)
        assert status.respondents == n
        assert len(_sent(seen)) == 3, seen
    for person, refused in (("U0", AlreadyAnswered), ("outsider", NotAMember)):
        with statements(database) as seen, pytest.raises(refused):
            await service.submit(round_.id, user_id=person, answers=answers)
        # The read, the insert that did nothing, and which refusal it was.
        assert len(_sent(seen)) == 3, seen
    with statements(database) as seen:
        assert (await service.status(round_.id)).respondents == 3
    assert len(_sent(seen)) == 1, seen  # the pulse message's count, and the answer form's


async def test_a_burst_of_answers_costs_the_statements_of_one(
    engine: AsyncEngine,
) -> None:
    service = _service(engine)
    round_, answers = await _open(service)
    with statements(str(engine.url.database)) as seen:
        # All forty are waiting by the time the writer (a task of its own) starts: one batch.
        statuses = await asyncio.gather(
            *(service.submit(round_.id, user_id=p, answers=answers) for p in MEMBERS)
        )
    assert sorted(s.respondents for s in statuses) == list(range(1, 41))
    assert len(_sent(seen)) == 3, seen


def _service(engine: AsyncEngine) -> PulseService:
    return PulseService(
        unit_of_work=SqlStorage(engine),
        clock=ManualClock(T0),
        chat=MemoryChat(members=MEMBERS),
        content=default_pack(),
        secret_key=b"k" * 32,
    )


async def _open(service: PulseService) -> tuple[Round, dict[str, int]]:
    """A team's open round, and answers to all its statements."""
    team = await service.set_up_team(ChannelRef("slack", "T1", "C1"), TeamSettings())
    round_ = await service.open_round(team.id)
    return round_, dict.fromkeys(round_.statement_ids, 4)


def _sent(seen: list[str]) -> list[str]:
    """The statements of the work itself, without SQLite's BEGIN IMMEDIATE."""
    return [s for s in seen if not s.startswith("BEGIN")]


async def test_batches_of_any_size_send_the_same_statements(engine: AsyncEngine) -> None:
    # A statement per batch size kept thousands of clause objects alive (long garbage
    # collections) and outgrew asyncpg's cache of 100 prepared statements per connection.
    service = _service(engine)
    round_, answers = await _open(service)
    people = iter(MEMBERS)
    texts: list[set[str]] = []
    for size in (1, 3, 7):
        with statements(str(engine.url.database)) as seen:
            await asyncio.gather(
                *(
                    service.submit(round_.id, user_id=next(people), answers=answers)
                    for _ in range(size)
                )
            )
        texts.append(set(_sent(seen)))
    assert texts[0] == texts[1] == texts[2]
    assert len(texts[0]) == 3
