"""A developer's shell and working directory do not change what the suite finds: the same tests
pass with the application's variables set and a `.env` where pytest starts as without them
(tests/conftest.py clears them for every test and runs it in a directory of its own)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs a part of the suite twice, in other processes

REPOSITORY = Path(__file__).resolve().parents[1]
# The tests that read settings, and the loop and the gateways on every platform.
SELECTION = [
    "tests/app/test_settings.py",
    "tests/bot/msteams/test_settings.py",
    "tests/bot/msteams/test_security.py",
    "tests/bot/msteams/test_package.py",
    "tests/scenarios/chat/test_loop.py",
    "tests/contracts/test_chat_gateway.py",
    "tests/app/test_cli.py::test_demo_honours_the_configured_threshold",
    "tests/app/test_cli.py::test_db_upgrade_reads_the_url_from_dot_env",
]
A_DEVELOPERS_SHELL = {
    "MICROSOFT_APP_ID": "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "MICROSOFT_APP_PASSWORD": "from-the-shell",
    "TRYGHED_MIN_RESPONDENTS": "7",
    "TRYGHED_DATABASE_URL": "sqlite+aiosqlite:////nonexistent/from-the-shell.db",
    "TRYGHED_TEAMS_INSECURE_NO_AUTH": "true",
    "TRYGHED_SLACK_COUNT_DELAY": "600",
    "TRYGHED_SANDBOX": "on",
    "SLACK_SIGNING_SECRET": "from-the-shell-0123456789abcdef",
    "SLACK_BOT_TOKEN": "xoxb-from-the-shell",
    "SLACK_API_URL": "http://127.0.0.1:9/api/",
}
A_DEVELOPERS_DOTENV = "TRYGHED_MIN_RESPONDENTS=9\nMICROSOFT_APP_ID=from-dotenv\n"
OUTCOME = re.compile(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\S+)", re.MULTILINE)


def outcomes(directory: Path, variables: dict[str, str]) -> dict[str, str]:
    """Each selected test's outcome, pytest started in `directory` with `variables` set."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rA",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(REPOSITORY),
            "-c",
            str(REPOSITORY / "pyproject.toml"),
            "-m",
            "not slow and not postgres",
            *(str(REPOSITORY / test) for test in SELECTION),
        ],
        cwd=directory,
        env={
            # Not this run's own (an xdist worker's id, the current test): a run of its own.
            **{name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")},
            **variables,
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    found = {test: outcome for outcome, test in OUTCOME.findall(result.stdout)}
    assert found, result.stdout + result.stderr
    return found


def test_the_shell_changes_no_result(tmp_path: Path) -> None:
    clean, polluted = tmp_path / "clean", tmp_path / "polluted"
    clean.mkdir()
    polluted.mkdir()
    (polluted / ".env").write_text(A_DEVELOPERS_DOTENV, encoding="utf-8")
    expected = outcomes(clean, {})
    assert set(expected.values()) == {"PASSED"}
    assert outcomes(polluted, A_DEVELOPERS_SHELL) == expected
