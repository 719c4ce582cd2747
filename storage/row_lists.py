"""A statement over a batch of rows, compiled once per batch size rather than once per batch.

SQLAlchemy caches a compiled statement by its shape, but a statement with a VALUES list has no
cache key (not even of bind parameters): building one per batch compiled every batch anew, a
third of an answer's CPU in bench/p1_answer.py. Rows selected from named bind parameters and
joined by UNION ALL have one, which depends on the number of rows only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import CTE, ColumnClause, bindparam, cast, select, union_all

# Rows in one list at most: SQLite allows 500 terms in a compound SELECT.
ROWS_MOST = 256


def rows_cte(name: str, columns: Sequence[ColumnClause[Any]], count: int) -> CTE:
    """`WITH name AS (SELECT … UNION ALL …)` of `count` rows, each value a bind parameter
    cast to its column's type (PostgreSQL would take an untyped one for text)."""
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
    name: str, columns: Sequence[ColumnClause[Any]], rows: Iterable[Sequence[Any]]
) -> dict[str, Any]:
    """The bind parameters that fill `rows_cte(name, columns, len(rows))` with `rows`."""
    return {
        _key(name, column, n): value
        for n, row in enumerate(rows)
        for column, value in zip(columns, row, strict=True)
    }


def _key(name: str, column: ColumnClause[Any], n: int) -> str:
    return f"{name}_{column.name}_{n}"
