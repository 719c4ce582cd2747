"""PostgreSQL settings that would log answers: found on a real server, read as PostgreSQL and
pgaudit read them, and never a reason for start-up to fail."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine

from storage.engine import create_engine
from storage.server_settings import (
    RiskySetting,
    Scope,
    Setting,
    audit_classes,
    risky_log_settings,
    risky_settings,
)
from tests.throwaway_postgres import admin, throwaway_database

SCOPE = Scope(database="tryghed", role="bot")
# What a server with nothing logged reports (PostgreSQL 15's defaults).
QUIET = {
    "log_statement": Setting("none"),
    "log_min_duration_statement": Setting("-1"),
    "log_min_duration_sample": Setting("-1"),
    "log_statement_sample_rate": Setting("1"),
    "log_transaction_sample_rate": Setting("0"),
    "log_parameter_max_length": Setting("-1"),
    "log_parameter_max_length_on_error": Setting("0"),
}


def found(**changed: str) -> list[str]:
    """The settings found risky on a quiet server with `changed` (dots as double underscores)."""
    settings = {**QUIET, **{k.replace("__", "."): Setting(v) for k, v in changed.items()}}
    return [risk.setting for risk in risky_settings(settings, SCOPE)]


def test_a_quiet_server_has_nothing_to_warn_about() -> None:
    assert found() == []
    assert found(log_statement="ddl") == []


@pytest.mark.parametrize(
    ("changed", "risky"),
    [
        ({"log_statement": "mod"}, ["log_statement"]),
        ({"log_statement": "all"}, ["log_statement"]),
        ({"log_min_duration_statement": "0"}, ["log_min_duration_statement"]),
        ({"log_min_duration_sample": "0"}, ["log_min_duration_sample"]),
        ({"log_min_duration_sample": "0", "log_statement_sample_rate": "0"}, []),
        ({"log_transaction_sample_rate": "0.01"}, ["log_transaction_sample_rate"]),
        # A slow-statement threshold logs the slow ones with their values, unless those are off.
        ({"log_min_duration_statement": "250"}, ["log_parameter_max_length"]),
        (
            {"log_min_duration_statement": "250", "log_parameter_max_length": "64"},
            ["log_parameter_max_length"],
        ),
        ({"log_min_duration_statement": "250", "log_parameter_max_length": "0"}, []),
        ({"log_min_duration_sample": "250"}, ["log_parameter_max_length"]),
        ({"log_parameter_max_length_on_error": "-1"}, ["log_parameter_max_length_on_error"]),
        ({"pgaudit__log": "write"}, ["pgaudit.log"]),
        ({"pgaudit__log": "ddl, role"}, []),
        ({"pgaudit__role": "auditor"}, ["pgaudit.role"]),
        ({"pgaudit__role": ""}, []),
        ({"auto_explain__log_min_duration": "0"}, ["auto_explain.log_min_duration"]),
        ({"auto_explain__log_min_duration": "1000"}, []),
        (
            {"log_statement": "all", "log_min_duration_statement": "0", "pgaudit__log": "all"},
            ["log_statement", "log_min_duration_statement", "pgaudit.log"],
        ),
    ],
)
def test_settings_that_log_statements_with_their_values(
    changed: dict[str, str], risky: list[str]
) -> None:
    assert found(**changed) == risky


@pytest.mark.parametrize(
    ("value", "classes"),
    [
        ("write", {"write"}),
        ("WRITE, DDL", {"write", "ddl"}),
        ("all", {"read", "write", "function", "role", "ddl", "misc", "misc_set"}),
        ("all, -write", {"read", "function", "role", "ddl", "misc", "misc_set"}),
        ("-write, all", {"read", "write", "function", "role", "ddl", "misc", "misc_set"}),
        ("write, -write", set()),
        ("none", set()),
        ("", set()),
        ("read,ddl", {"read", "ddl"}),
    ],
)
def test_pgaudit_log_is_read_in_order_as_pgaudit_reads_it(value: str, classes: set[str]) -> None:
    assert audit_classes(value) == classes


def test_settings_this_server_does_not_have_are_no_risk() -> None:
    # An older server (no sampling settings), no pgaudit or auto_explain loaded, odd values.
    assert risky_settings({}, SCOPE) == []
    assert risky_settings({"log_statement": Setting("mod")}, SCOPE)[0].setting == "log_statement"
    odd = {
        "log_min_duration_statement": Setting("soon"),
        "log_transaction_sample_rate": Setting(""),
    }
    assert risky_settings(odd, SCOPE) == []


@pytest.mark.parametrize(
    ("source", "fix"),
    [
        ("default", "ALTER DATABASE tryghed SET log_statement = 'ddl'"),
        ("configuration file", "ALTER DATABASE tryghed SET log_statement = 'ddl'"),
        ("database", "ALTER DATABASE tryghed SET log_statement = 'ddl'"),
        ("user", "ALTER ROLE bot SET log_statement = 'ddl'"),
        ("database user", "ALTER ROLE bot IN DATABASE tryghed SET log_statement = 'ddl'"),
    ],
)
def test_the_fix_changes_the_setting_where_it_was_made(source: str, fix: str) -> None:
    # A role's setting overrides the database's: changing the database would not help then.
    risks = risky_settings({"log_statement": Setting("all", source)}, SCOPE)
    assert risks == [RiskySetting("log_statement", "all", "every write is logged", fix)]
    assert str(risks[0]) == f"log_statement is 'all' (every write is logged): {fix}"


async def test_sqlite_has_no_statement_log() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    try:
        assert await risky_log_settings(engine) == []
    finally:
        await engine.dispose()


async def test_a_server_that_cannot_be_asked_is_a_warning_not_a_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = create_async_engine("postgresql+asyncpg://postgres@127.0.0.1:1/tryghed")
    try:
        with caplog.at_level(logging.WARNING, logger="storage.server_settings"):
            assert await risky_log_settings(engine) == []
    finally:
        await engine.dispose()
    [record] = caplog.records
    assert record.getMessage().startswith("could not read PostgreSQL's logging settings (")
    assert "docs/privacy.md" in record.getMessage()


@pytest.fixture
def database() -> Iterator[URL]:
    with throwaway_database() as url:
        yield url


async def risks_of(url: URL) -> list[RiskySetting]:
    # A new engine each time: database settings apply to sessions that start after them.
    engine = create_engine(url)
    try:
        return await risky_log_settings(engine)
    finally:
        await engine.dispose()


def name_of(url: URL) -> str:
    return str(url.database)


@pytest.mark.postgres
async def test_a_fresh_database_logs_no_statements(database: URL) -> None:
    assert await risks_of(database) == []


@pytest.mark.postgres
@pytest.mark.parametrize("value", ["mod", "all"])
async def test_statement_logging_set_on_the_database_is_found(database: URL, value: str) -> None:
    admin(database, f"ALTER DATABASE {name_of(database)} SET log_statement = '{value}'")
    assert await risks_of(database) == [
        RiskySetting(
            "log_statement",
            value,
            "every write is logged",
            f"ALTER DATABASE {name_of(database)} SET log_statement = 'ddl'",
        )
    ]
    # The fix it names works.
    admin(database, f"ALTER DATABASE {name_of(database)} SET log_statement = 'ddl'")
    assert await risks_of(database) == []


@pytest.mark.postgres
async def test_durations_logged_for_every_statement_are_found(database: URL) -> None:
    name = name_of(database)
    admin(database, f"ALTER DATABASE {name} SET log_min_duration_statement = 0")
    assert [r.setting for r in await risks_of(database)] == ["log_min_duration_statement"]
    admin(database, f"ALTER DATABASE {name} SET log_min_duration_statement = '250ms'")
    assert [r.setting for r in await risks_of(database)] == ["log_parameter_max_length"]
    admin(database, f"ALTER DATABASE {name} SET log_parameter_max_length = 0")
    assert await risks_of(database) == []


@pytest.mark.postgres
async def test_a_setting_of_the_role_in_this_database_names_that_fix(database: URL) -> None:
    name = name_of(database)
    role = database.username
    # Only in this database (dropped with it): the shared server's role stays as it was.
    admin(database, f"ALTER ROLE {role} IN DATABASE {name} SET log_statement = 'all'")
    [risk] = await risks_of(database)
    assert risk.fix == f"ALTER ROLE {role} IN DATABASE {name} SET log_statement = 'ddl'"


@pytest.mark.postgres
async def test_pgaudit_settings_without_pgaudit_loaded_log_nothing(database: URL) -> None:
    # SHOW would report these placeholders; pgaudit is not there to act on them.
    name = name_of(database)
    admin(
        database,
        f"ALTER DATABASE {name} SET pgaudit.log = 'all'",
        f"ALTER DATABASE {name} SET pgaudit.role = 'auditor'",
    )
    assert await risks_of(database) == []
