"""Real `tryghed serve` processes on one database: every scheduled act exactly once (R5, R6).

Three replicas on PostgreSQL (and one killed with SIGKILL mid-round), and one process on
SQLite restarted mid-round. Teams are due at the next minute; rounds are cut short in the
database so that a whole round takes seconds. Slack is a fake Web API on loopback.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from storage.engine import create_engine
from storage.unit_of_work import SqlStorage
from surveys.service import PulseService
from surveys.team import ChannelRef, Team, TeamSettings
from tests.fakes.slack_api import FakeSlackApi

pytestmark = pytest.mark.slow

SECRET = "replica-test-secret-key-0123456789abcdef"
PEOPLE = [f"UR{n}" for n in range(1, 9)]
ANSWERING = PEOPLE[:5]
CHANNELS = ["CR1", "CR2", "CR3"]
TRYGHED = Path(sys.executable).parent / "tryghed"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Replica:
    """One `tryghed serve` process."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = _free_port()
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [str(TRYGHED), "serve", "--port", str(self.port)],
            env={**env, "TRYGHED_PORT": str(self.port)},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=log.parent,
        )

    async def ready(self) -> None:
        deadline = time.monotonic() + 30
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                assert self.process.poll() is None, "serve exited early"
                try:
                    async with http.get(f"http://127.0.0.1:{self.port}/readyz") as answer:
                        if answer.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
        raise AssertionError("serve did not become ready")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()


@contextmanager
def replicas(count: int, env: dict[str, str], tmp_path: Path) -> Iterator[list[Replica]]:
    started = [Replica(env, tmp_path / f"replica-{n}.log") for n in range(count)]
    try:
        yield started
    finally:
        for replica in started:
            replica.stop()


@asynccontextmanager
async def world(url: str | URL) -> AsyncIterator[tuple[FakeSlackApi, PulseService, Any]]:
    """The fake Slack and, on the same database, the test's own service (to set teams up
    and answer as people would)."""
    engine = create_engine(url)
    try:
        async with FakeSlackApi() as slack:
            for channel in CHANNELS:
                slack.channel_members[channel] = [*PEOPLE, "UBOT"]
            service = PulseService(
                unit_of_work=SqlStorage(engine),
                clock=_Wall(),
                chat=MemoryChat(members=list(PEOPLE)),
                content=default_pack(),
                secret_key=SECRET.encode(),
            )
            yield slack, service, engine
    finally:
        await engine.dispose()


class _Wall:
    def now(self) -> datetime:
        return datetime.now(UTC)


def _env(url: str, slack: FakeSlackApi) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "TRYGHED_DATABASE_URL": url,
        "TRYGHED_SECRET_KEY": SECRET,
        "SLACK_SIGNING_SECRET": "replica-signing-secret-0123456789",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": slack.url,
        "TRYGHED_SYNC_SECONDS": "1",
        "TRYGHED_QUIET_HOURS": "false",
        "TRYGHED_GRACE_MINUTES": "5",
        "TRYGHED_BAROMETER_MONTHS": "0",
    }


async def _due_next_minute(service: PulseService, channels: list[str]) -> list[Team]:
    """Set (or move) teams so that their next slot is the coming minute."""
    now = datetime.now(UTC)
    slot = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    if (slot - now).total_seconds() < 3:
        slot += timedelta(minutes=1)
    settings = TeamSettings(
        weekday=slot.weekday(), local_time=slot.time(), timezone="UTC", language="en"
    )
    return [
        await service.set_up_team(ChannelRef("slack", "T0001", channel), settings)
        for channel in channels
    ]


def _posts(slack: FakeSlackApi, channel: str, marker: str) -> int:
    return sum(
        1
        for call in slack.calls_to("chat.postMessage", ok_only=True)
        if call.args.get("channel") == channel and marker in str(call.args.get("blocks"))
    )


def _pulses(slack: FakeSlackApi, channel: str) -> int:
    return _posts(slack, channel, "tryghed_answer")


def _summaries(slack: FakeSlackApi, channel: str) -> int:
    return _posts(slack, channel, "tryghed_start_discussion")


def _reminders(slack: FakeSlackApi) -> list[str]:
    return [
        str(call.args["channel"])
        for call in slack.calls_to("chat.postMessage", ok_only=True)
        if str(call.args.get("channel", "")).startswith("UR")
    ]


async def _until(check: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.25)


async def _run_round(
    slack: FakeSlackApi,
    service: PulseService,
    engine: Any,
    teams: list[Team],
    cycle: int,
    *,
    mid_round: Any = None,
) -> None:
    """Wait for the opens, answer, cut the rounds short, and wait for reminders and closes."""
    await _until(lambda: all(_pulses(slack, t.channel.channel_id) >= cycle for t in teams), 90)
    rounds = [await service.open_round_of(team.id) for team in teams]
    for round_ in rounds:
        for person in ANSWERING:
            await service.submit(
                round_.id, user_id=person, answers=dict.fromkeys(round_.statement_ids, 4)
            )
    if mid_round is not None:
        mid_round()
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE rounds SET closes_at = :closes WHERE closed_at IS NULL"),
            {"closes": datetime.now(UTC) + timedelta(seconds=20)},
        )
    await _until(lambda: all(_summaries(slack, t.channel.channel_id) >= cycle for t in teams), 60)
    await asyncio.sleep(3)  # any double act would show up now


def _assert_once(slack: FakeSlackApi, teams: list[Team], cycles: int) -> None:
    for team in teams:
        channel = team.channel.channel_id
        assert _pulses(slack, channel) == cycles, f"pulses in {channel}"
        assert _summaries(slack, channel) == cycles, f"summaries in {channel}"
    reminded = _reminders(slack)
    expected = sorted(set(PEOPLE) - set(ANSWERING)) * (len(teams) * cycles)
    assert sorted(reminded) == sorted(expected)


async def _truncate(engine: Any) -> None:
    from storage.schema import METADATA

    tables = ", ".join(t.name for t in METADATA.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.mark.postgres
async def test_three_replicas_act_exactly_once(postgres_url: URL, tmp_path: Path) -> None:
    url = postgres_url.render_as_string(hide_password=False)
    async with world(url) as (slack, service, engine):
        await _truncate(engine)
        with replicas(3, _env(url, slack), tmp_path) as running:
            for replica in running:
                await replica.ready()
            teams = await _due_next_minute(service, CHANNELS)
            await _run_round(slack, service, engine, teams, 1)
            teams = await _due_next_minute(service, CHANNELS)
            await _run_round(slack, service, engine, teams, 2)
        _assert_once(slack, teams, 2)
        slack.assert_clean()


@pytest.mark.postgres
async def test_a_replica_killed_mid_round_changes_nothing(
    postgres_url: URL, tmp_path: Path
) -> None:
    url = postgres_url.render_as_string(hide_password=False)
    async with world(url) as (slack, service, engine):
        await _truncate(engine)
        with replicas(3, _env(url, slack), tmp_path) as running:
            for replica in running:
                await replica.ready()
            teams = await _due_next_minute(service, CHANNELS[:2])
            await _run_round(slack, service, engine, teams, 1, mid_round=running[0].kill)
        _assert_once(slack, teams, 1)


async def test_one_sqlite_process_restarted_mid_round(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'tryghed.db'}"
    async with world(url) as (slack, service, engine):
        from storage.migrate import upgrade

        await upgrade(engine)
        env = _env(url, slack)
        first = Replica(env, tmp_path / "first.log")
        second: list[Replica] = []
        try:
            await first.ready()
            teams = await _due_next_minute(service, CHANNELS[:1])

            def restart() -> None:
                first.kill()
                second.append(Replica(env, tmp_path / "second.log"))

            await _run_round(slack, service, engine, teams, 1, mid_round=restart)
        finally:
            first.stop()
            for replica in second:
                replica.stop()
        _assert_once(slack, teams, 1)
