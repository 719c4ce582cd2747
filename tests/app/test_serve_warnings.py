"""`tryghed serve` on PostgreSQL warns at start-up, once, when the database logs statements."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from tests.app.test_serve import SECRET_KEY, environment, http, serving, stop
from tests.throwaway_postgres import admin, throwaway_database

pytestmark = pytest.mark.postgres

WARNING = "PostgreSQL writes this database's statements into its server log"


@pytest.fixture
def database() -> Iterator[URL]:
    with throwaway_database() as url:
        yield url


def serve_log(tmp_path: Path, database: URL) -> str:
    """What `tryghed serve` on `database` logs from start to a clean stop."""
    env = environment(
        TRYGHED_DATABASE_URL=database.render_as_string(hide_password=False),
        TRYGHED_SECRET_KEY=SECRET_KEY,
    )
    with serving(tmp_path, env=env) as running:
        assert http(f"{running.url}/readyz").status == 200
        return stop(running)


def test_serve_warns_once_when_the_database_logs_every_write(tmp_path: Path, database: URL) -> None:
    name = database.database
    admin(database, f"ALTER DATABASE {name} SET log_statement = 'mod'")
    err = serve_log(tmp_path, database)
    lines = [line for line in err.splitlines() if WARNING in line]
    assert len(lines) == 1, err
    [line] = lines
    assert " WARNING app.main: " in line
    # It names the setting, what it is, and the command that turns it off; nothing else.
    assert line.endswith(
        "(docs/privacy.md): log_statement is 'mod' (every write is logged): "
        f"ALTER DATABASE {name} SET log_statement = 'ddl'"
    )
    assert "Traceback" not in err


def test_serve_does_not_warn_when_statement_logging_is_off(tmp_path: Path, database: URL) -> None:
    admin(database, f"ALTER DATABASE {database.database} SET log_statement = 'ddl'")
    err = serve_log(tmp_path, database)
    assert WARNING not in err
    assert "log_statement" not in err
