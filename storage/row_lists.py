"""A statement over a batch of rows (or a list of ids), one statement for any number of them.

SQLAlchemy caches a compiled statement by its shape, but a statement with a VALUES list has no
cache key: building one per batch compiled every batch anew, a third of an answer's CPU in
bench/p1_answer.py. A statement per batch size (rows of bind parameters joined by UNION ALL)
fixed that, but kept thousands of clause objects alive for ever, which every full garbage
collection then walked (pauses of 60–100 ms under P1's load), and on PostgreSQL outgrew
asyncpg's cache of 100 prepared statements per connection. So the rows travel as one value
per column: on PostgreSQL an array each, unnested together; on SQLite one JSON array of rows,
taken apart by json_each. Either way one statement, compiled and prepared once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import CTE, ColumnClause, ColumnElement, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY

POSTGRESQL = "postgresql"


def rows_cte(name: str, columns: Sequence[ColumnClause[Any]], dialect: str) -> CTE:
    """`WITH name AS (…)`: the rows bound by `rows_params(name, columns, rows, dialect)`."""
    if dialect == POSTGRESQL:
        arrays = [bindparam(_key(name, column), type_=ARRAY(column.type)) for column in columns]
        unnested = func.unnest(*arrays).table_valued(*(c.name for c in columns))
        return select(*unnested.render_derived(with_types=False).c).cte(name)
    rows = func.json_each(bindparam(name)).table_valued("value")
    # Materialised: a correlated subquery over it (a count update) would take the JSON
    # apart again for every row it looks at.
    return (
        select(
            *(
                func.json_extract(rows.c.value, f"$[{n}]", type_=column.type).label(column.name)
                for n, column in enumerate(columns)
            )
        )
        .cte(name)
        .prefix_with("MATERIALIZED")
    )


def rows_params(
    name: str, columns: Sequence[ColumnClause[Any]], rows: Sequence[Sequence[Any]], dialect: str
) -> dict[str, Any]:
    """The bind parameters that fill `rows_cte(name, columns, dialect)` with `rows`."""
    if dialect == POSTGRESQL:
        return {_key(name, column): [row[n] for row in rows] for n, column in enumerate(columns)}
    return {name: json.dumps([list(row) for row in rows])}


def one_of(column: ColumnElement[Any], name: str, dialect: str) -> ColumnElement[bool]:
    """`column` is in the list bound to `name` (see `list_param`), whatever its length."""
    if dialect == POSTGRESQL:
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(select(func.json_each(bindparam(name)).table_valued("value").c.value))


def list_param(values: Sequence[Any], dialect: str) -> Any:
    """A list of values as `one_of` takes it: an array, or a JSON array."""
    return list(values) if dialect == POSTGRESQL else json.dumps(list(values))


def _key(name: str, column: ColumnClause[Any]) -> str:
    return f"{name}_{column.name}"
