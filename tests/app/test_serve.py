"""The installed `tryghed` script as a process: serve, stop on SIGTERM, refuse half a config."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from storage.migrate import head_revision

TRYGHED = Path(sys.executable).parent / "tryghed"
START_SECONDS = 20.0
STOP_SECONDS = 10.0


def environment(**variables: str) -> dict[str, str]:
    """The machine's environment without our variables, plus `variables`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TRYGHED_", "SLACK_"))
    }
    return {**env, **variables}


def slack_environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    return environment(
        TRYGHED_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 't.db'}",
        SLACK_SIGNING_SECRET="x" * 32,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_API_URL="http://127.0.0.1:9/api/",  # never contacted
        **variables,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run(*argv: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TRYGHED), *argv],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@dataclass
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def http(url: str, *, method: str = "GET", body: bytes | None = None) -> Answer:
    request = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return Answer(response.status, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read())


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    database: Path


@contextmanager
def serving(tmp_path: Path, *flags: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """`tryghed serve` on a free port (with Slack, unless `env` says otherwise), healthy;
    stopped (hard, if need be) afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [str(TRYGHED), "serve", "--port", str(port), *flags],
        env=env or slack_environment(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                _, err = process.communicate()
                pytest.fail(f"tryghed serve exited with {process.returncode}: {err}")
            try:
                if http(f"{url}/healthz").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"tryghed serve was not healthy within {START_SECONDS} s")
            time.sleep(0.1)
        yield Served(process=process, url=url, database=tmp_path / "t.db")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=STOP_SECONDS)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`tryghed serve` with everything on."""
    with serving(tmp_path) as running:
        yield running


def test_web_only_has_no_scheduler(tmp_path: Path) -> None:
    with serving(tmp_path, "--no-scheduler") as running:
        ready = http(f"{running.url}/readyz").json()
        assert ready["checks"] == {"database": True, "migrations": True}
        assert http(f"{running.url}/slack/events", method="POST", body=b"x=1").status == 401


def test_scheduler_only_has_no_platform_routes(tmp_path: Path) -> None:
    with serving(tmp_path, "--no-web") as running:
        ready = http(f"{running.url}/readyz").json()
        assert ready["checks"]["scheduler"] is True
        assert http(f"{running.url}/slack/events", method="POST", body=b"x=1").status == 404


def test_the_two_roles_exclude_each_other(tmp_path: Path) -> None:
    result = run("serve", "--no-web", "--no-scheduler", env=environment(), cwd=tmp_path)
    assert result.returncode == 2


def test_serve_starts_answers_and_stops_on_sigterm(served: Served) -> None:
    health = http(f"{served.url}/healthz")
    assert health.status == 200
    assert health.json() == {"status": "ok"}

    ready = http(f"{served.url}/readyz")
    assert ready.status == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": True, "migrations": True, "scheduler": True},
    }

    unsigned = http(
        f"{served.url}/slack/events", method="POST", body=b"command=%2Ftryghed&text=help"
    )
    assert unsigned.status == 401

    with sqlite3.connect(served.database) as connection:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        teams = connection.execute("SELECT COUNT(*) FROM teams").fetchone()
    assert {
        "alembic_version",
        "teams",
        "rounds",
        "answer_counts",
        "hack_log",
        "claims",
    } <= tables
    assert version == [(head_revision(),)]
    assert teams == (0,)  # the unsigned request changed nothing

    served.process.send_signal(signal.SIGTERM)
    _, err = served.process.communicate(timeout=STOP_SECONDS)
    assert served.process.returncode == 0, err
    # A clean stop: no error was logged on the way.
    assert "Traceback" not in err
    assert "ERROR" not in err


def test_serve_refuses_a_signing_secret_without_a_token(tmp_path: Path) -> None:
    env = environment(
        TRYGHED_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 't.db'}",
        SLACK_SIGNING_SECRET="x" * 32,
    )
    result = run("serve", "--port", str(free_port()), env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tryghed: ")
    assert "SLACK_BOT_TOKEN" in lines[0]


def test_slack_manifest_points_at_the_public_url(tmp_path: Path) -> None:
    env = environment(TRYGHED_PUBLIC_URL="https://tryghed.example.org")
    result = run("slack-manifest", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    manifest = yaml.safe_load(result.stdout)
    assert isinstance(manifest, dict)
    assert manifest["settings"]["event_subscriptions"]["request_url"] == (
        "https://tryghed.example.org/slack/events"
    )


def test_slack_manifest_without_the_public_url_is_one_line(tmp_path: Path) -> None:
    result = run("slack-manifest", env=environment(), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "TRYGHED_PUBLIC_URL" in lines[0]


SECRET_KEY = "k" * 40
UNREACHABLE_POSTGRES = "postgresql://postgres@127.0.0.1:1/tryghed"


@pytest.mark.parametrize(
    ("variables", "starts"),
    [
        ({"TRYGHED_PORT": "http"}, "TRYGHED_PORT: "),
        ({"TRYGHED_MIN_RESPONDENTS": "2"}, "TRYGHED_MIN_RESPONDENTS: "),
        ({"TRYGHED_LOG_FORMAT": "xml"}, "TRYGHED_LOG_FORMAT: Input should be 'text' or 'json'"),
        ({"TRYGHED_QUIET_HOURS": "perhaps"}, "TRYGHED_QUIET_HOURS: "),
        ({"TRYGHED_GRACE_MINUTES": "0"}, "TRYGHED_GRACE_MINUTES: "),
        ({"TRYGHED_CONTENT_DIR": "/no/such/pack"}, "TRYGHED_CONTENT_DIR: content pack"),
        ({"TRYGHED_DATABASE_URL": "tryghed.db"}, "TRYGHED_DATABASE_URL: not a database URL"),
        ({"TRYGHED_DATABASE_URL": "mysql://db/t"}, "TRYGHED_DATABASE_URL: mysql is not supported"),
        (
            {"TRYGHED_DATABASE_URL": UNREACHABLE_POSTGRES, "TRYGHED_SECRET_KEY": SECRET_KEY},
            "TRYGHED_DATABASE_URL: cannot use the database",
        ),
        ({"TRYGHED_DATABASE_URL": UNREACHABLE_POSTGRES}, "TRYGHED_SECRET_KEY is required"),
        ({"SLACK_SIGNING_SECRET": "s" * 32}, "SLACK_SIGNING_SECRET is set, but neither"),
        ({"MICROSOFT_APP_ID": "app"}, "MICROSOFT_APP_PASSWORD is required"),
        (
            {"MICROSOFT_APP_ID": "app", "MICROSOFT_APP_PASSWORD": "p", "MICROSOFT_APP_TYPE": "x"},
            "MICROSOFT_APP_TYPE must be SingleTenant or MultiTenant",
        ),
    ],
    ids=lambda v: "+".join(v) if isinstance(v, dict) else "",
)
def test_a_bad_variable_stops_serve_with_one_line_naming_it(
    tmp_path: Path, variables: dict[str, str], starts: str
) -> None:
    done = run("serve", "--port", str(free_port()), env=environment(**variables), cwd=tmp_path)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.startswith("tryghed: ")]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"tryghed: {starts}"), lines[0]
    assert "Traceback" not in done.stderr


def stop(running: Served) -> str:
    """SIGTERM; the exit code must be 0. Returns what it wrote to stderr."""
    running.process.send_signal(signal.SIGTERM)
    _, err = running.process.communicate(timeout=STOP_SECONDS)
    assert running.process.returncode == 0, err
    return err


def sqlite_environment(tmp_path: Path) -> dict[str, str]:
    return environment(TRYGHED_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 't.db'}")


def test_serve_without_any_platform_explains_how_to_enable_one(tmp_path: Path) -> None:
    # Not even the sandbox (on loopback it is on by itself: tests/app/test_serve_sandbox.py).
    env = {**sqlite_environment(tmp_path), "TRYGHED_SANDBOX": "off"}
    with serving(tmp_path, env=env) as running:
        assert http(f"{running.url}/readyz").status == 200
        assert http(f"{running.url}/metrics").status == 200
        assert http(f"{running.url}/slack/events", method="POST", body=b"").status == 404
        assert http(f"{running.url}/").status == 404
        err = stop(running)
    assert "neither Slack nor Teams is on" in err
    assert "SLACK_SIGNING_SECRET" in err
    assert "MICROSOFT_APP_ID" in err


def test_no_migrate_refuses_a_schema_that_is_not_current(tmp_path: Path) -> None:
    env = sqlite_environment(tmp_path)
    refused = run("serve", "--no-migrate", "--port", str(free_port()), env=env, cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.startswith("tryghed: TRYGHED_DATABASE_URL: the database schema is not")
    assert "tryghed db upgrade" in refused.stderr
    assert run("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    with serving(tmp_path, "--no-migrate", env=env) as running:
        assert http(f"{running.url}/readyz").status == 200
        stop(running)
