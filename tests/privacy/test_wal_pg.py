"""Attack 1: PostgreSQL's write-ahead log, decoded from a round's opening to its close.

A logical replication slot (test_decoding) sees every committed row change of a logged
table: what a WAL archive, a point-in-time backup or a replica receives. None may carry a
salt, a participant hash or a user id; no transaction before the close may touch the answer
counts, and none after the opening (while people answer) any table but `rounds`; the close
stores the round's aggregate, once. The WAL segment files, read raw, hold no secret either.
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import URL

from storage.engine import create_engine
from surveys.manual_clock import ManualClock
from tests.builders import T0
from tests.privacy.decoding import Transaction, logical_slot
from tests.privacy.scenario import Played, Traces, found_in, no_step, play_round, service_on
from tests.privacy.walcluster import Cluster

pytestmark = pytest.mark.postgres

COUNTS = "public.answer_counts"
ROUNDS = "public.rounds"
# What a transaction may change durably once the round is open and people answer: the
# round's own row (the opening itself may write more: nobody has answered yet).
WRITABLE_WHILE_OPEN = {ROUNDS}


async def test_wal_pg(cluster_database: URL, traces: Traces) -> None:
    clock = ManualClock(T0)
    engine = create_engine(cluster_database)
    opening: list[Transaction] = []
    try:
        async with logical_slot(cluster_database) as slot:

            async def step(label: str) -> None:
                if label == "opened":  # what the opening committed, before anyone answers
                    opening.extend(await slot.transactions())

            played = await play_round(service_on(engine, clock), clock, step)
            later = await slot.transactions()
    finally:
        await engine.dispose()
    _find(opening, ROUNDS, "INSERT", played.round_id, "opened")
    closed = _find(later, ROUNDS, "UPDATE", played.round_id, "closed")
    transactions = opening + later
    problems: list[str] = []

    needles = traces.text_needles()
    problems += [
        f"xid {t.xid} carries {what}: {line[:100]}"
        for t in transactions
        for line in t.lines
        for needle, what in needles.items()
        if needle in line
    ]
    problems += [
        f"xid {t.xid}: the open-round store is WAL-logged: {c.line[:100]}"
        for t in transactions
        for c in t.changes
        if c.table.startswith("open_store.")
    ]
    for t in opening + later[:closed]:
        if COUNTS in t.tables():
            problems.append(f"xid {t.xid}, before the close, changes {COUNTS}")
    for t in later[:closed]:
        if others := sorted(t.tables() - WRITABLE_WHILE_OPEN):
            problems.append(f"xid {t.xid}, while people answer, writes {others}")
    problems += _not_an_aggregate(later[closed], played)
    assert not problems, "the decoded WAL links answers to people:\n" + "\n".join(problems)


async def test_wal_segments_pg(wal_cluster: Cluster, cluster_database: URL, traces: Traces) -> None:
    clock = ManualClock(T0)
    engine = create_engine(cluster_database)
    try:
        await play_round(service_on(engine, clock), clock, no_step)
    finally:
        await engine.dispose()
    found = found_in(wal_cluster.wal_bytes(), traces.byte_needles())
    assert not found, f"the WAL segment files hold {sorted(found)}"


def _find(transactions: list[Transaction], table: str, op: str, round_id: str, what: str) -> int:
    """The index of the first transaction that opened (INSERT) or closed (UPDATE setting
    closed_at) the round."""
    for n, transaction in enumerate(transactions):
        for change in transaction.changes:
            if (change.table, change.op, change.columns.get("id")) != (table, op, round_id):
                continue
            if op == "INSERT" or change.columns.get("closed_at"):
                return n
    raise AssertionError(f"the decoded WAL never shows the round being {what} when expected")


def _not_an_aggregate(close: Transaction, played: Played) -> list[str]:
    """What is wrong with the close's answer counts: they must be inserted once, as the
    totals over everyone."""
    changes = [c for c in close.changes if c.table == COUNTS]
    if not changes:
        return [f"the close (xid {close.xid}) stores no answer counts"]
    problems = [
        f"the close does not only insert counts: {c.line}" for c in changes if c.op != "INSERT"
    ]
    keys = [(c.columns["round_id"], c.columns["statement_id"], c.columns["value"]) for c in changes]
    if len(keys) != len(set(keys)):
        problems.append("the close writes a count twice")
    stored = {
        (str(c.columns["statement_id"]), int(str(c.columns["value"]))): c.columns["count"]
        for c in changes
        if c.columns["round_id"] == played.round_id and c.columns["count"] != 0
    }
    if stored != played.aggregate():
        problems.append(f"the close's counts {stored} are not the totals {played.aggregate()}")
    return problems
