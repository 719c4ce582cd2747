"""Replaying SQLite's -wal commit by commit, from copies of the files taken while a test ran."""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

WAL_HEADER = 32
FRAME_HEADER = 24
_MAGIC = {0x377F0682: "<", 0x377F0683: ">"}  # checksums over little- or big-endian words
_INTERIOR = {0x02, 0x05}  # index and table interior b-tree pages


@dataclass(frozen=True)
class Snapshot:
    """The database file and its -wal, copied at one moment (b"" when a file was missing)."""

    label: str
    db: bytes
    wal: bytes


@dataclass(frozen=True)
class Commit:
    """One committed transaction in a -wal: the page images it wrote, in frame order."""

    generation: tuple[int, int]  # the WAL header's salts: they change when the log restarts
    number: int  # the commit's place in its generation, from 0
    page_size: int
    frames: tuple[tuple[int, bytes], ...]  # (page number, page image)
    db_pages: int  # the database's size in pages after the commit

    @property
    def pages(self) -> set[int]:
        return {page for page, _ in self.frames}


@dataclass(frozen=True)
class State:
    """The database as a commit left it: `image` is the whole file, as if checkpointed."""

    seen_in: str  # the label of the first copy that held the commit
    copy: int  # that copy's place in the list of copies
    commit: Commit
    image: bytes
    before: bytes = field(repr=False)


class MissedCommits(AssertionError):
    """The copies do not account for every change of the database file."""


def commits(wal: bytes) -> Iterator[Commit]:
    """The valid commits of a -wal file: frames are checked (salts, cumulative checksums) as
    SQLite does on recovery; frames after the first invalid one are left over from before."""
    if len(wal) < WAL_HEADER:
        return
    magic, _version, page_size, _seq, salt1, salt2, ck1, ck2 = struct.unpack(">8I", wal[:32])
    order = _MAGIC.get(magic)
    if order is None or _checksum(order, wal[:24], (0, 0)) != (ck1, ck2):
        return
    state, pending, number = (ck1, ck2), list[tuple[int, bytes]](), 0
    frame_size = FRAME_HEADER + page_size
    for offset in range(WAL_HEADER, len(wal) - frame_size + 1, frame_size):
        header = wal[offset : offset + FRAME_HEADER]
        page = wal[offset + FRAME_HEADER : offset + frame_size]
        pgno, db_pages, f_salt1, f_salt2, f_ck1, f_ck2 = struct.unpack(">6I", header)
        if (f_salt1, f_salt2) != (salt1, salt2):
            return
        state = _checksum(order, header[:8] + page, state)
        if state != (f_ck1, f_ck2):
            return
        pending.append((pgno, page))
        if db_pages:
            yield Commit((salt1, salt2), number, page_size, tuple(pending), db_pages)
            pending, number = [], number + 1


def replay(snapshots: list[Snapshot]) -> list[State]:
    """Every commit the copies hold, in order, each with the whole database it left behind.

    A log restarts only after a complete checkpoint, so the file a new generation starts
    from must equal the state the previous one ended in: MissedCommits otherwise."""
    current = b""
    started = False
    applied: dict[tuple[int, int], int] = {}
    states: list[State] = []
    for number, snapshot in enumerate(snapshots):
        found = list(commits(snapshot.wal))
        generation = found[0].generation if found else None
        if generation is None or generation not in applied:
            if not started:
                current, started = snapshot.db, True
            elif snapshot.db != current:
                raise MissedCommits(
                    f"copy {snapshot.label!r}: the database file differs from the replayed "
                    f"state in pages {_differing(current, snapshot.db)}"
                )
            if generation is None:
                continue
            applied[generation] = 0
        for commit in found[applied[generation] :]:
            before, current = current, _apply(current, commit)
            states.append(State(snapshot.label, number, commit, current, before))
        applied[generation] = len(found)
    return states


def query(image: bytes, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run `sql` on a database image (read in memory with SQLite itself)."""
    data = bytearray(image)
    data[18:20] = b"\x01\x01"  # a rollback-journal file: an in-memory copy cannot be WAL
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(bytes(data))
        return [tuple(row) for row in connection.execute(sql, params)]
    finally:
        connection.close()


def table_pages(image: bytes, table: str) -> set[int]:
    """The pages of a table's b-tree and of its indexes (overflow pages not followed)."""
    roots = query(image, "SELECT rootpage FROM sqlite_schema WHERE tbl_name = ?", (table,))
    pages: set[int] = set()
    for (root,) in roots:
        if root:
            pages |= _btree(image, int(root))
    return pages


def dump(image: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted."""
    names = query(image, "SELECT name FROM sqlite_schema WHERE type = 'table'")
    return {
        str(name): sorted(query(image, f'SELECT * FROM "{name}"'), key=repr) for (name,) in names
    }


class WalCopies:
    """Copies of a SQLite database and its -wal, taken after each step and before any
    checkpoint an engine runs on it (a checkpoint may empty the -wal)."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.snapshots: list[Snapshot] = []

    def take(self, label: str) -> None:
        wal = self.database.with_name(self.database.name + "-wal")
        self.snapshots.append(Snapshot(label, _read(self.database), _read(wal)))

    @contextmanager
    def before_checkpoints(self) -> Iterator[None]:
        """While inside, copy before every statement that checkpoints this database."""
        target = self.database.resolve()

        def before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            database = conn.engine.url.database
            ours = bool(database) and Path(database).resolve() == target
            if ours and "checkpoint" in statement.lower():
                self.take(f"before {statement.strip()}")

        event.listen(Engine, "before_cursor_execute", before)
        try:
            yield
        finally:
            event.remove(Engine, "before_cursor_execute", before)


def no_autocheckpoint(engine: AsyncEngine) -> None:
    """Make every connection of `engine` leave checkpoints to explicit statements (which
    WalCopies sees), so no commit can leave the -wal between two copies."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()


def _apply(image: bytes, commit: Commit) -> bytes:
    page_size = commit.page_size
    data = bytearray(image[: commit.db_pages * page_size])
    data.extend(bytes(commit.db_pages * page_size - len(data)))
    for page, content in commit.frames:
        if page <= commit.db_pages:
            data[(page - 1) * page_size : page * page_size] = content
    return bytes(data)


def _page_size(image: bytes) -> int:
    size = int.from_bytes(image[16:18], "big")
    return 65536 if size == 1 else size


def _btree(image: bytes, root: int) -> set[int]:
    page_size = _page_size(image)
    pages: set[int] = set()
    stack = [root]
    while stack:
        page = stack.pop()
        if page in pages or not 0 < page <= len(image) // page_size:
            continue
        pages.add(page)
        start = (page - 1) * page_size
        header = start + (100 if page == 1 else 0)
        if image[header] not in _INTERIOR:
            continue
        cells = int.from_bytes(image[header + 3 : header + 5], "big")
        stack.append(int.from_bytes(image[header + 8 : header + 12], "big"))
        for n in range(cells):
            pointer = int.from_bytes(image[header + 12 + 2 * n : header + 14 + 2 * n], "big")
            stack.append(int.from_bytes(image[start + pointer : start + pointer + 4], "big"))
    return pages


def _checksum(order: str, data: bytes, state: tuple[int, int]) -> tuple[int, int]:
    s0, s1 = state
    words = struct.unpack(f"{order}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def _differing(a: bytes, b: bytes) -> list[int]:
    page_size = _page_size(a) if len(a) >= 100 else 4096
    size = max(len(a), len(b))
    return [
        n // page_size + 1
        for n in range(0, size, page_size)
        if a[n : n + page_size] != b[n : n + page_size]
    ][:20]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""
