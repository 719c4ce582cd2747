"""The red team's own tools read what they claim to: test_decoding lines and a SQLite -wal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.privacy.decoding import group, parse_change
from tests.privacy.sqlite_wal import MissedCommits, WalCopies, dump, replay, table_pages


def test_test_decoding_lines_parse_into_columns() -> None:
    insert = parse_change(
        7,
        "table public.answer_counts: INSERT: round_id[character varying]:'r''1' "
        "statement_id[character varying]:'learn-1' value[smallint]:3 count[integer]:2",
    )
    assert insert is not None
    assert (insert.table, insert.op) == ("public.answer_counts", "INSERT")
    assert insert.columns == {"round_id": "r'1", "statement_id": "learn-1", "value": 3, "count": 2}
    update = parse_change(
        7,
        "table public.rounds: UPDATE: old-key: id[character varying]:'a' new-tuple: "
        "id[character varying]:'b' closed_at[timestamp with time zone]:null reminded[boolean]:true",
    )
    assert update is not None
    assert update.columns == {"id": "b", "closed_at": None, "reminded": True}
    assert parse_change(7, "BEGIN 7") is None
    transactions = group([(7, "BEGIN 7"), (7, insert.line), (7, "COMMIT 7"), (8, "BEGIN 8")])
    assert [(t.xid, len(t.changes), len(t.lines)) for t in transactions] == [(7, 1, 3), (8, 0, 1)]


def test_the_replay_sees_every_commit_and_notices_a_missed_one(tmp_path: Path) -> None:
    database = tmp_path / "x.db"
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA wal_autocheckpoint=0")
    connection.execute("CREATE TABLE t (k PRIMARY KEY, v)")
    copies = WalCopies(database)
    copies.take("start")
    for n in range(3):
        connection.execute("INSERT INTO t VALUES (?, ?)", (n, f"SECRET-{n}"))
        copies.take(f"insert {n}")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("UPDATE t SET v = 'gone' WHERE k = 1")
    copies.take("update")
    connection.close()  # the last connection checkpoints and removes the -wal
    copies.take("closed")

    states = replay(copies.snapshots)
    assert [s.seen_in for s in states][-4:] == ["insert 0", "insert 1", "insert 2", "update"]
    assert any(b"SECRET-1" in image for _, image in states[-3].commit.frames)
    assert dump(states[-1].image)["t"] == [(0, "SECRET-0"), (1, "gone"), (2, "SECRET-2")]
    assert states[-1].image == database.read_bytes()
    assert states[-1].commit.pages <= table_pages(states[-1].image, "t")

    with pytest.raises(MissedCommits):  # without the copy after the last insert
        replay([c for c in copies.snapshots if c.label != "insert 2"])
