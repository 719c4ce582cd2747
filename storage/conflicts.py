"""INSERT … ON CONFLICT DO NOTHING on whichever dialect the session speaks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_if_absent(session: AsyncSession, table: Table, values: dict[str, Any]) -> bool:
    """Insert one row unless its key exists; True when this call inserted it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    key = [column.name for column in table.primary_key.columns]
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(table.c[key[0]])
    return (await session.execute(statement)).first() is not None
