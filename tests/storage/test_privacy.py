"""Anonymity by construction: what the database holds during and after a round."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from storage.open_store import TABLES as OPEN_TABLES
from storage.schema import METADATA
from storage.unit_of_work import SqlStorage
from surveys.anonymity import participant_key
from surveys.manual_clock import ManualClock
from surveys.service import PulseService
from surveys.team import ChannelRef, TeamSettings
from tests.builders import T0

SECRET = b"privacy-test-secret-key-0123456789abcdef"
PEOPLE = [f"W0RKER-{n}-XQ" for n in range(1, 8)]


async def _dump(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table, durable and open-round store (as `open_store.<name>`)."""
    async with engine.connect() as connection:
        return {
            str(table): [tuple(row) for row in await connection.execute(select(table))]
            for table in (*METADATA.sorted_tables, *OPEN_TABLES)
        }


def _cells(dump: dict[str, list[tuple[Any, ...]]]) -> Iterator[Any]:
    for rows in dump.values():
        for row in rows:
            yield from row


async def _closed_round(engine: AsyncEngine) -> tuple[dict[str, list[tuple[Any, ...]]], set[str]]:
    """Run a round with PEOPLE answering; return the dump while open and the hashes it held."""
    service = PulseService(
        unit_of_work=SqlStorage(engine),
        clock=ManualClock(T0),
        chat=MemoryChat(members=[*PEOPLE, "LURKER-1"]),
        content=default_pack(),
        secret_key=SECRET,
    )
    team = await service.set_up_team(
        ChannelRef("slack", "T1", "C1"), TeamSettings(leaders=frozenset({"BOSS-1"}))
    )
    round_ = await service.open_round(team.id)
    for n, person in enumerate(PEOPLE):
        answers = dict.fromkeys(round_.statement_ids, 1 + n % 5)
        await service.submit(round_.id, user_id=person, answers=answers)
    while_open = await _dump(engine)
    hashes = {row[1] for row in while_open["open_store.participation"]}
    await service.remind(round_.id)
    await service.close_round(round_.id)
    return while_open, hashes


async def test_no_row_pairs_a_person_with_an_answer(engine: AsyncEngine) -> None:
    while_open, hashes = await _closed_round(engine)
    # While open, participation is only keyed hashes, never the ids themselves.
    assert len(hashes) == len(PEOPLE)
    assert not any(isinstance(c, str) and "W0RKER" in c for c in _cells(while_open))
    # Answers are counts per (round, statement, value), never a row per answer; an open
    # round's only in the open-round store, never in the durable table.
    counts = while_open["open_store.counts"]
    assert len(counts) == 4 * 5
    assert sum(row[3] for row in counts) == 4 * len(PEOPLE)
    assert while_open["answer_counts"] == []


async def test_after_close_nothing_can_be_recomputed_into_a_person(engine: AsyncEngine) -> None:
    _, hashes = await _closed_round(engine)
    after = await _dump(engine)
    for table in OPEN_TABLES:
        assert after[str(table)] == []
    assert sum(row[3] for row in after["answer_counts"]) == 4 * len(PEOPLE)
    cells = list(_cells(after))
    assert not any(isinstance(c, str) and ("W0RKER" in c or "LURKER" in c) for c in cells)
    assert not hashes & {c for c in cells if isinstance(c, str)}
    # Even with the secret key and every person's id, no stored value works as a salt that
    # leads back to a stored value.
    candidates = [c if isinstance(c, bytes) else str(c).encode() for c in cells]
    recomputed = {participant_key(SECRET, salt, p) for salt in candidates for p in PEOPLE}
    assert not recomputed & {str(c) for c in cells}
    # The only things kept about respondents are how many there were, and how many of them
    # were not the team's leaders or facilitators.
    (closed,) = after["rounds"]
    assert closed.count(len(PEOPLE)) == 2


async def test_the_sqlite_files_keep_no_trace_of_salts_or_hashes(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL's files are the server's; it rewrites the tables on close instead
    while_open, hashes = await _closed_round(engine)
    salts = [row[1] for row in while_open["open_store.salts"]]
    assert len(salts) == 1
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("tryghed.db*") if p.is_file())
    assert salts[0] not in raw
    for person in PEOPLE:
        assert person.encode() not in raw
    for participant in hashes:
        assert participant.encode() not in raw
