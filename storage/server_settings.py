"""PostgreSQL settings that would write Tryghed's statements, with their values, into the
server's log: salts, member and participation hashes and the answers of open rounds, side by
side. The open-round store keeps them out of the write-ahead log; a statement log would undo
that. Read from `pg_settings` as they apply to the service's own sessions (server, database
and role settings together); a setting this server does not have, or that a module which is
not loaded would define, is simply absent there. SQLite has no such log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

_NAMES = (
    "log_statement",
    "log_min_duration_statement",
    "log_min_duration_sample",
    "log_statement_sample_rate",
    "log_transaction_sample_rate",
    "log_parameter_max_length",
    "log_parameter_max_length_on_error",
    "pgaudit.log",
    "pgaudit.role",
    "auto_explain.log_min_duration",
)
# pg_settings shows a module's settings only while it is loaded: `pgaudit.log` set on a
# database without pgaudit in shared_preload_libraries is a placeholder that logs nothing.
_SETTINGS = text(
    "SELECT name, setting, source, quote_ident(current_database()), quote_ident(current_user)"
    " FROM pg_settings WHERE name IN :names"
).bindparams(bindparam("names", expanding=True))

# pgaudit's classes (pgaudit.log is a list of them; `-class` takes one away, in order).
_AUDIT_CLASSES = ("read", "write", "function", "role", "ddl", "misc", "misc_set")


@dataclass(frozen=True)
class Setting:
    """One row of pg_settings: the value in the setting's base unit, and where it was set."""

    value: str
    source: str = "default"


@dataclass(frozen=True)
class Scope:
    """The database and role the service runs as, quoted as SQL identifiers."""

    database: str
    role: str


@dataclass(frozen=True)
class RiskySetting:
    """A setting that logs statements with their values, and the command that stops it."""

    setting: str
    value: str
    logs: str
    fix: str

    def __str__(self) -> str:
        return f"{self.setting} is '{self.value}' ({self.logs}): {self.fix}"


async def risky_log_settings(engine: AsyncEngine) -> list[RiskySetting]:
    """The settings of this PostgreSQL database that log answers; none on SQLite. A server
    that cannot be asked is logged at WARNING and reported as none: it never stops start-up."""
    if engine.dialect.name != "postgresql":
        return []
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(_SETTINGS, {"names": _NAMES})).all()
    except (DBAPIError, OSError) as error:
        log.warning(
            "could not read PostgreSQL's logging settings (%s): make sure statement logging is "
            "off for this database (docs/privacy.md)",
            type(error).__name__,
        )
        return []
    if not rows:
        return []
    scope = Scope(database=rows[0][3], role=rows[0][4])
    return risky_settings({row[0]: Setting(row[1], row[2]) for row in rows}, scope)


def risky_settings(settings: Mapping[str, Setting], scope: Scope) -> list[RiskySetting]:
    """Which of `settings` (name -> pg_settings row; any may be missing) log answers."""
    found: list[RiskySetting] = []

    def risky(name: str, logs: str, safe: str) -> None:
        found.append(
            RiskySetting(name, settings[name].value, logs, _fix(name, safe, settings, scope))
        )

    def number(name: str) -> float | None:
        try:
            return float(settings[name].value) if name in settings else None
        except ValueError:
            return None

    statement = settings.get("log_statement")
    if statement is not None and statement.value in ("mod", "all"):
        risky("log_statement", "every write is logged", "'ddl'")
    slowest = number("log_min_duration_statement")
    if slowest == 0:
        risky("log_min_duration_statement", "every statement is logged with its values", "-1")
    sampled = number("log_min_duration_sample")
    sampling = (number("log_statement_sample_rate") or 0) > 0 and sampled is not None
    if sampling and sampled == 0:
        risky(
            "log_min_duration_sample",
            "a sample of all statements is logged with their values",
            "-1",
        )
    if (number("log_transaction_sample_rate") or 0) > 0:
        risky(
            "log_transaction_sample_rate",
            "every statement of a sample of transactions is logged",
            "0",
        )
    slow_statements_logged = (slowest or 0) > 0 or (sampling and (sampled or 0) > 0)
    if slow_statements_logged and number("log_parameter_max_length") not in (0, None):
        risky("log_parameter_max_length", "slow statements are logged with their values", "0")
    if number("log_parameter_max_length_on_error") not in (0, None):
        risky(
            "log_parameter_max_length_on_error",
            "failing statements are logged with their values",
            "0",
        )
    audit = settings.get("pgaudit.log")
    if audit is not None and "write" in audit_classes(audit.value):
        risky("pgaudit.log", "pgaudit logs every write", "'none'")
    role = settings.get("pgaudit.role")
    if role is not None and role.value.strip():
        risky("pgaudit.role", "pgaudit logs the tables that role may write", "''")
    if number("auto_explain.log_min_duration") == 0:
        risky("auto_explain.log_min_duration", "every statement is logged", "-1")
    return found


def audit_classes(value: str) -> set[str]:
    """The statement classes a `pgaudit.log` value logs, read as pgaudit reads it: a comma
    separated list, case-insensitive, applied in order, `all` for every class and `-class`
    to take one away again."""
    classes: set[str] = set()
    for raw in value.split(","):
        word = raw.strip().strip('"').lower()
        subtract = word.startswith("-")
        word = word.removeprefix("-").strip()
        named = set(_AUDIT_CLASSES) if word == "all" else {word} & set(_AUDIT_CLASSES)
        classes = classes - named if subtract else classes | named
    return classes


def _fix(name: str, safe: str, settings: Mapping[str, Setting], scope: Scope) -> str:
    # A role's setting overrides the database's, and a role's in this database both: change
    # the setting where it was made, or at the database (over the server's own file).
    source = settings[name].source if name in settings else "default"
    if source == "database user":
        where = f"ALTER ROLE {scope.role} IN DATABASE {scope.database}"
    elif source == "user":
        where = f"ALTER ROLE {scope.role}"
    else:
        where = f"ALTER DATABASE {scope.database}"
    return f"{where} SET {name} = {safe}"
