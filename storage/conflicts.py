"""INSERT … ON CONFLICT DO NOTHING RETURNING, built once for each dialect the store runs on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningInsert

DIALECTS = ("postgresql", "sqlite")


def insert_if_absent(dialect: str, table: Table) -> ReturningInsert[Any]:
    """For `dialect`: insert the row given at execution unless its key exists, returning the
    key of what it inserted (nothing: the row was there)."""
    return _insert(dialect, table).on_conflict_do_nothing().returning(_first_key(table))


def insert_selected_if_absent(
    dialect: str, table: Table, columns: list[str], rows: Select[Any]
) -> ReturningInsert[Any]:
    """For `dialect`: insert what `rows` selects unless its key exists, returning the whole
    key of what it inserted. The select's WHERE decides, in the same statement, whether to
    try."""
    return (
        _insert(dialect, table)
        .from_select(columns, rows)
        .on_conflict_do_nothing()
        .returning(*table.primary_key.columns)
    )


def _insert(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def _first_key(table: Table) -> Any:
    return next(iter(table.primary_key.columns))
