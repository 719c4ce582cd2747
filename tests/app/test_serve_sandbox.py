"""`tryghed serve` and the sandbox channel: on by itself only on loopback with no real
platform, asked for beside one, and said so in the log."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.app.test_serve import (
    STOP_SECONDS,
    environment,
    http,
    serving,
    slack_environment,
)


def page(url: str) -> tuple[int, str]:
    answer = http(url)
    return answer.status, answer.body.decode("utf-8", "replace")


def test_on_loopback_without_a_platform_the_sandbox_is_served(tmp_path: Path) -> None:
    env = environment(TRYGHED_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 't.db'}")
    with serving(tmp_path, env=env) as running:
        status, text = page(f"{running.url}/")
        assert status == 200
        assert "Tryghed sandbox" in text
        assert "Before the first round" in text  # the team was set up at the first visit
        running.process.terminate()
        _, log = running.process.communicate(timeout=STOP_SECONDS)
    lines = [line for line in log.splitlines() if "the sandbox channel is on" in line]
    assert len(lines) == 1
    assert f"open {running.url}/ in a browser" in lines[0]
    assert "neither Slack nor Teams is on" not in log


def test_with_slack_configured_there_is_no_sandbox(tmp_path: Path) -> None:
    with serving(tmp_path) as running:
        assert page(f"{running.url}/")[0] == 404
        assert http(f"{running.url}/sandbox/say", method="POST", body=b"x=1").status == 404


def test_asked_for_beside_slack_it_serves_its_own_team_on_real_time(tmp_path: Path) -> None:
    env = slack_environment(tmp_path, TRYGHED_SANDBOX="on")
    with serving(tmp_path, env=env) as running:
        status, text = page(f"{running.url}/")
        assert status == 200
        assert "Time can't be moved here" in text  # Slack's teams live by the real clock
        refused = http(f"{running.url}/sandbox/clock", method="POST", body=b"step=day")
        assert refused.status == 403


def test_a_foreign_host_name_is_refused(tmp_path: Path) -> None:
    env = environment(TRYGHED_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 't.db'}")
    with serving(tmp_path, env=env) as running:
        request = urllib.request.Request(f"{running.url}/", headers={"Host": "rebind.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 421
    assert "nothing happened" in refused.value.read().decode()
