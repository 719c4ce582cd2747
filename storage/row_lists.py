"""A statement over a batch of rows (or a list of ids), compiled once rather than per batch.

SQLAlchemy caches a compiled statement by its shape, but a statement with a VALUES list has no
cache key (not even of bind parameters): building one per batch compiled every batch anew, a
third of an answer's CPU in bench/p1_answer.py. On SQLite, rows selected from named bind
parameters and joined by UNION ALL have one, which depends on the number of rows only. On
PostgreSQL each column goes as one array, unnested: one statement for any number of rows,
which asyncpg prepares once per connection (a statement per size, and an IN list per length,
were more than its cache of 100 holds, and were prepared again and again)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnClause,
    ColumnElement,
    any_,
    bindparam,
    cast,
    func,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY

POSTGRESQL = "postgresql"
# Rows in one list at most: SQLite allows 500 terms in a compound SELECT.
ROWS_MOST = 256


def rows_cte(name: str, columns: Sequence[ColumnClause[Any]], count: int, dialect: str) -> CTE:
    """`WITH name AS (…)` of `count` rows (any number on PostgreSQL: see `shape`), each value
    a bind parameter cast to its column's type (PostgreSQL would take an untyped one for text)."""
    if dialect == POSTGRESQL:
        arrays = [bindparam(_key(name, column), type_=ARRAY(column.type)) for column in columns]
        unnested = func.unnest(*arrays).table_valued(*(c.name for c in columns))
        return select(*unnested.render_derived(with_types=False).c).cte(name)
    rows = [
        select(
            *(
                cast(bindparam(_key(name, column, n)), column.type).label(column.name)
                for column in columns
            )
        )
        for n in range(count)
    ]
    return (union_all(*rows) if count > 1 else rows[0]).cte(name)


def rows_params(
    name: str, columns: Sequence[ColumnClause[Any]], rows: Sequence[Sequence[Any]], dialect: str
) -> dict[str, Any]:
    """The bind parameters that fill `rows_cte(name, columns, …, dialect)` with `rows`."""
    if dialect == POSTGRESQL:
        return {_key(name, column): [row[i] for row in rows] for i, column in enumerate(columns)}
    return {
        _key(name, column, n): value
        for n, row in enumerate(rows)
        for column, value in zip(columns, row, strict=True)
    }


def shape(dialect: str, count: int) -> int:
    """The number of rows a statement for `count` rows is built for: PostgreSQL's takes any."""
    return 0 if dialect == POSTGRESQL else count


def one_of(column: ColumnElement[Any], name: str, dialect: str) -> ColumnElement[bool]:
    """`column` is in the list bound to `name`: on PostgreSQL one array, whatever its length;
    elsewhere an IN list."""
    if dialect == POSTGRESQL:
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def _key(name: str, column: ColumnClause[Any], n: int | None = None) -> str:
    return f"{name}_{column.name}" if n is None else f"{name}_{column.name}_{n}"
