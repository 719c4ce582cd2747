"""Counting the SQL statements an engine runs, to show that a path asks a bounded number."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextmanager
def statements(database: str) -> Iterator[list[str]]:
    """The statements run while inside by any engine on `database` (a SQLite file's path or a
    PostgreSQL database's name): the app's engine lives inside the service, out of reach."""
    seen: list[str] = []

    def before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if conn.engine.url.database == database:
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", before)
