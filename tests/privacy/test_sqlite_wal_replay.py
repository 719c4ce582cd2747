"""Attacks 1, 3 and 4 on SQLite: the main file and its -wal, replayed commit by commit.

Copies of the database file and its -wal are taken after every step of the round and before
every statement that checkpoints it; the service's connections never checkpoint on their own
(wal_autocheckpoint=0), and the replay checks that the copies account for every change of
the file. So every committed transaction of the round is seen, with the pages it wrote.

What this proves, for the main file and its -wal (not the side store, which holds an open
round's secrets by design and is checked for its mode only):
- no page written by any commit, and no byte of any copy (stale and uncommitted frames too),
  holds a round's salt, a participant hash (hex or raw) or the id of someone who answered;
- no commit before the close writes a page of `answer_counts` (table or index), and no commit
  after the opening (while people answer) changes a row of any table but `rounds`;
- the close commit leaves the round's aggregate counts and nothing per person.
It does not follow overflow pages (no row here is large enough to have one).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from storage.engine import create_engine
from surveys.manual_clock import ManualClock
from tests.builders import T0
from tests.privacy.scenario import Traces, found_in, play_round, service_on
from tests.privacy.sqlite_wal import (
    State,
    WalCopies,
    dump,
    no_autocheckpoint,
    query,
    replay,
    table_pages,
)

COUNTS = "answer_counts"
# What a commit may change once the round is open and people answer: the round's own row
# (the opening itself may write more: nobody has answered yet).
WRITABLE_WHILE_OPEN = {"rounds"}


async def test_sqlite_wal_replay(sqlite_template: Path, tmp_path: Path, traces: Traces) -> None:
    database = tmp_path / "tryghed.db"
    shutil.copy(sqlite_template, database)
    copies = WalCopies(database)
    copies.take("start")
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    no_autocheckpoint(engine)
    clock = ManualClock(T0)

    async def step(label: str) -> None:
        copies.take(f"after {label}")

    try:
        with copies.before_checkpoints():
            played = await play_round(service_on(engine, clock), clock, step)
    finally:
        await engine.dispose()
    copies.take("after the last connection closed")  # SQLite checkpoints then
    states = replay(copies.snapshots)
    opened, closed = _window(states, played.round_id)
    answering = next(n for n, c in enumerate(copies.snapshots) if c.label == "after opened")

    problems: list[str] = []

    needles = traces.byte_needles()
    problems += [
        f"commit {n} (seen {s.seen_in!r}) writes page {page} holding {sorted(found)}"
        for n, s in enumerate(states)
        for page, image in s.commit.frames
        if (found := found_in(image, needles))
    ]
    problems += [
        f"the copy {c.label!r} of the files holds {sorted(found)}"
        for c in copies.snapshots
        if (found := found_in(c.db + c.wal, needles))
    ]
    for n, s in enumerate(states[:closed]):
        if s.commit.pages & (table_pages(s.before, COUNTS) | table_pages(s.image, COUNTS)):
            problems.append(f"commit {n} (seen {s.seen_in!r}), before the close, writes {COUNTS}")
    for n, s in enumerate(states[opened:closed], start=opened):
        if s.copy > answering and (others := sorted(_changed_tables(s) - WRITABLE_WHILE_OPEN)):
            problems.append(
                f"commit {n} (seen {s.seen_in!r}), while people answer, changes {others}"
            )
    stored = _counts(states[closed].image, played.round_id)
    if stored != played.aggregate():
        problems.append(f"the close's counts {stored} are not the totals {played.aggregate()}")
    assert not problems, "the SQLite files link answers to people:\n" + "\n".join(problems)


def _window(states: list[State], round_id: str) -> tuple[int, int]:
    """The indexes of the commits that opened and closed the round."""
    sql = "SELECT closed_at FROM rounds WHERE id = ?"
    rows = [query(s.image, sql, (round_id,)) for s in states]
    opened = next((n for n, r in enumerate(rows) if r), None)
    closed = next((n for n, r in enumerate(rows) if r and r[0][0] is not None), None)
    assert opened is not None, "the replay never shows the round being opened"
    assert closed is not None, "the replay never shows the round being closed"
    return opened, closed


def _changed_tables(state: State) -> set[str]:
    before, after = dump(state.before), dump(state.image)
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def _counts(image: bytes, round_id: str) -> dict[tuple[Any, Any], Any]:
    sql = "SELECT statement_id, value, count FROM answer_counts WHERE round_id = ? AND count > 0"
    return {(s, v): c for s, v, c in query(image, sql, (round_id,))}
