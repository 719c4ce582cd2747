"""Alembic environment: runs on the connection storage.migrate hands it (async engines)."""

from __future__ import annotations

from alembic import context

from storage.schema import METADATA

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("run migrations with `tryghed db upgrade` (it provides the connection)")

context.configure(
    connection=connection,
    target_metadata=METADATA,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
