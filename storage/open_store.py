"""The open-round store: an open round's salt, members, participation and running counts.

None of it is ever written where the database keeps history. On PostgreSQL the tables are
UNLOGGED (kept out of the write-ahead log, so out of WAL archives, point-in-time backups,
base backups and replicas, and emptied by a crash); on SQLite they live in a side file
ATTACHed to every connection, with its journal in memory and deleted rows overwritten, so
neither the main file nor its -wal ever sees them. A close moves the round's counts, as one
aggregate, into the durable `answer_counts` and empties the round's rows here.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Column, Integer, LargeBinary, MetaData, SmallInteger, String, Table
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateTable

log = logging.getLogger(__name__)

SCHEMA = "open_store"
OPEN_METADATA = MetaData(schema=SCHEMA)

SALTS = Table(
    "salts",
    OPEN_METADATA,
    Column("round_id", String(32), primary_key=True),
    Column("salt", LargeBinary(64), nullable=False),
)
MEMBERS = Table(
    "members",
    OPEN_METADATA,
    Column("round_id", String(32), primary_key=True),
    Column("member", String(64), primary_key=True),
)
PARTICIPATION = Table(
    "participation",
    OPEN_METADATA,
    Column("round_id", String(32), primary_key=True),
    Column("participant", String(64), primary_key=True),
    # Leaders and facilitators see results; their own answers do not make up k.
    Column("viewer", Boolean, nullable=False),
)
COUNTS = Table(
    "counts",
    OPEN_METADATA,
    Column("round_id", String(32), primary_key=True),
    Column("statement_id", String(40), primary_key=True),
    Column("value", SmallInteger, primary_key=True),
    Column("count", Integer, nullable=False),
)
TABLES = (SALTS, MEMBERS, PARTICIPATION, COUNTS)


class OpenStoreUnsafe(Exception):
    """SQLite would not keep the open-round store out of durable history; refuse to run."""


def side_file_for(database: Path) -> Path:
    """Where a SQLite database keeps its open-round store."""
    return database.with_name(database.name + ".open")


def private_file(path: Path) -> None:
    """Create `path` readable by its owner only (or make it so): answers pass through it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return
    except FileExistsError:
        pass
    if path.stat().st_mode & 0o077:
        log.warning("%s was readable by others; it is now readable by its owner only", path.name)
        path.chmod(0o600)


def prepare_sqlite_files(database: Path) -> None:
    """Make the database, its -wal/-shm and the side store private, and drop a damaged side
    store (a crash mid-write with the journal in memory): its open rounds start again."""
    side = side_file_for(database)
    for path in (database, side):
        private_file(path)
    for suffix in ("-wal", "-shm"):
        companion = database.with_name(database.name + suffix)
        if companion.exists() and companion.stat().st_mode & 0o077:
            companion.chmod(0o600)
    if side.stat().st_size and not _intact(side):
        log.error(
            "the open-round store %s was damaged; the answers of open rounds are lost and "
            "those rounds will ask again",
            side.name,
        )
        side.unlink()
        private_file(side)


def _intact(path: Path) -> bool:
    try:
        with closing(sqlite3.connect(path)) as connection:
            return bool(connection.execute("PRAGMA quick_check").fetchone() == ("ok",))
    except sqlite3.DatabaseError:
        return False


def attach_sqlite(cursor: Any, database: str) -> None:
    """ATTACH the side store on a new SQLite connection, private and without a journal file,
    and create its tables; OpenStoreUnsafe when SQLite does not take those settings."""
    side = ":memory:" if database in ("", ":memory:") else str(side_file_for(Path(database)))
    cursor.execute(f"ATTACH DATABASE ? AS {SCHEMA}", (side,))
    cursor.execute(f"PRAGMA {SCHEMA}.journal_mode=MEMORY")
    journal = cursor.fetchone()
    cursor.execute(f"PRAGMA {SCHEMA}.secure_delete=ON")
    secure = cursor.fetchone()
    # The pragmas answer with the setting now in force: check it rather than trust it.
    if journal is None or str(journal[0]).lower() != "memory" or tuple(secure or ()) != (1,):
        raise OpenStoreUnsafe(f"SQLite refused journal_mode=MEMORY/secure_delete for {SCHEMA}")
    for table in TABLES:
        cursor.execute(str(CreateTable(table, if_not_exists=True).compile(dialect=_SQLITE)))


_SQLITE = sqlite.dialect()
