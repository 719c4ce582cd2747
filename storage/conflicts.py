"""INSERT … ON CONFLICT DO NOTHING on whichever dialect the session speaks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert


async def insert_if_absent(session: AsyncSession, table: Table, values: dict[str, Any]) -> bool:
    """Insert one row unless its key exists; True when this call inserted it."""
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    key = [column.name for column in table.primary_key.columns]
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(table.c[key[0]])
    return (await session.execute(statement)).first() is not None


def insert_selected_if_absent(
    dialect: str, table: Table, columns: list[str], rows: Select[Any]
) -> ReturningInsert[Any]:
    """For `dialect`: insert what `rows` selects unless its key exists, returning the key of
    what it inserted. The select's WHERE decides, in the same statement, whether to try."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    key = [column.name for column in table.primary_key.columns]
    return (
        insert(table).from_select(columns, rows).on_conflict_do_nothing().returning(table.c[key[0]])
    )


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name
