"""Logical decoding with the built-in test_decoding plugin: committed changes per transaction."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

Value = str | int | float | bool | None

_CHANGE = re.compile(
    r"^table (?P<table>.+?): (?P<op>INSERT|UPDATE|DELETE|TRUNCATE):\s?(?P<rest>.*)$"
)
_COLUMN = re.compile(
    r"""(?P<name>"(?:[^"]|"")+"|[^\s\[]+)\[(?P<type>.+?)\]:(?P<value>'(?:[^']|'')*'|\S+)"""
)
_NUMBER = re.compile(r"^-?\d+$")


@dataclass(frozen=True)
class Change:
    """One decoded row change; `table` is schema-qualified as the plugin prints it."""

    xid: int
    table: str
    op: str
    columns: dict[str, Value]
    line: str


@dataclass(frozen=True)
class Transaction:
    """A committed transaction: its decoded changes and every line the plugin printed for it."""

    xid: int
    changes: tuple[Change, ...]
    lines: tuple[str, ...]

    def tables(self) -> set[str]:
        return {change.table for change in self.changes}


class Slot:
    """A logical replication slot on one database, created before the changes it decodes."""

    def __init__(self, url: URL, name: str) -> None:
        self.url = url
        self.name = name

    async def transactions(self) -> list[Transaction]:
        """Every transaction committed since the slot was made (or last read), in commit order."""
        rows = await _query(
            self.url,
            "SELECT xid::text, data FROM pg_logical_slot_get_changes("
            "CAST(:slot AS name), NULL, NULL, 'include-xids', '1', 'skip-empty-xacts', '0')",
            {"slot": self.name},
        )
        return group([(int(xid), data) for xid, data in rows])


@asynccontextmanager
async def logical_slot(url: URL) -> AsyncIterator[Slot]:
    """A test_decoding slot on `url`'s database, dropped afterwards."""
    slot = Slot(url, f"redteam_{uuid.uuid4().hex[:12]}")
    await _query(
        url,
        "SELECT * FROM pg_create_logical_replication_slot(CAST(:slot AS name), 'test_decoding')",
        {"slot": slot.name},
    )
    try:
        yield slot
    finally:
        await _query(
            url, "SELECT pg_drop_replication_slot(CAST(:slot AS name))", {"slot": slot.name}
        )


def group(rows: list[tuple[int, str]]) -> list[Transaction]:
    """The plugin's output lines, grouped into transactions by xid (in the order given)."""
    order: list[int] = []
    lines: dict[int, list[str]] = {}
    for xid, data in rows:
        if xid not in lines:
            order.append(xid)
            lines[xid] = []
        lines[xid].append(data)
    return [
        Transaction(
            xid=xid,
            changes=tuple(c for c in (parse_change(xid, line) for line in lines[xid]) if c),
            lines=tuple(lines[xid]),
        )
        for xid in order
    ]


def parse_change(xid: int, line: str) -> Change | None:
    """A `table …: OP: …` line as a Change; None for BEGIN, COMMIT and anything else."""
    match = _CHANGE.match(line)
    if match is None:
        return None
    rest = match["rest"]
    if "new-tuple: " in rest:  # an UPDATE that changed the key: keep the new row
        rest = rest.split("new-tuple: ", 1)[1]
    columns = {_unquote_name(m["name"]): _value(m["value"]) for m in _COLUMN.finditer(rest)}
    return Change(xid=xid, table=match["table"], op=match["op"], columns=columns, line=line)


def _unquote_name(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def _value(raw: str) -> Value:
    if raw.startswith("'"):
        return raw[1:-1].replace("''", "'")
    if raw == "null":
        return None
    if raw in ("true", "false"):
        return raw == "true"
    if _NUMBER.match(raw):
        return int(raw)
    try:
        return float(raw)
    except ValueError:
        return raw  # e.g. unchanged-toast-datum


async def _query(url: URL, sql: str, params: dict[str, str]) -> list[tuple[str, str]]:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(text(sql), params)
            return [(str(row[0]), str(row[1]) if len(row) > 1 else "") for row in result]
    finally:
        await engine.dispose()
