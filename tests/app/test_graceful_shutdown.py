"""A real `tryghed serve` stopped with SIGTERM in the middle of a burst of answers.

Every answer Slack was told is recorded is in the database afterwards, the process exits
cleanly, and its JSON log holds no user id, token, secret or statement (R8, issue 6).
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from subprocess import Popen
from typing import IO, Any

import aiohttp
import pytest

from content.loader import default_pack
from storage.open_store import side_file_for
from tests.app.test_serve import TRYGHED, environment, free_port
from tests.bot.slack.conftest import FACILITATOR
from tests.bot.slack.harness import SIGNING_SECRET, Slack, radio
from tests.bot.slack.steps import button, open_form, set_up, start_pulse
from tests.fakes.clock import ShiftedClock
from tests.fakes.slack_api import FakeSlackApi

pytestmark = pytest.mark.slow  # a served process under a burst and SIGTERM

PEOPLE = [f"UB{n:03d}" for n in range(1, 81)]
TOKEN = "xoxb-shutdown-test"


def start_serve(tmp_path: Path, api: FakeSlackApi, log: IO[str]) -> tuple[int, Popen[bytes]]:
    """`tryghed serve` with JSON logs into `log`, Slack pointed at `api`."""
    port = free_port()
    process = subprocess.Popen(
        [str(TRYGHED), "serve", "--port", str(port)],
        env=environment(
            TRYGHED_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 't.db'}",
            TRYGHED_LOG_FORMAT="json",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_API_URL=api.url,
        ),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    return port, process


@asynccontextmanager
async def served(tmp_path: Path, api: FakeSlackApi) -> AsyncIterator[tuple[Slack, Any]]:
    """The served app, ready, as a `Slack` the harness's helpers can drive."""
    stderr = (tmp_path / "serve.log").open("w")
    port, process = start_serve(tmp_path, api, stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession(base_url=base) as http:
            deadline = time.monotonic() + 20
            while True:
                assert process.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    async with http.get("/readyz") as ready:
                        if ready.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                assert time.monotonic() < deadline, "serve did not become ready"
                await asyncio.sleep(0.1)
            # The harness's Slack drives any app over HTTP; it needs no service object here.
            yield Slack(http=http, api=api, pulse=None, clock=ShiftedClock()), process  # type: ignore[arg-type]
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=20)
        stderr.close()


async def test_sigterm_during_a_burst_loses_no_confirmed_answer(tmp_path: Path) -> None:
    async with FakeSlackApi() as api:
        api.channel_members["C0001"] = [FACILITATOR, *PEOPLE, "UBOT"]
        async with served(tmp_path, api) as (slack, process):
            await set_up(slack)
            message = await start_pulse(slack)
            round_id = button(message.args, "tryghed_answer")["value"]
            view = await open_form(slack, round_id, FACILITATOR)
            answers = {
                block["block_id"]: radio("4")
                for block in view["blocks"]
                if block["type"] == "input"
            }
            confirmed = 0
            failed = 0
            first_answers = asyncio.Event()

            async def one(person: str) -> None:
                nonlocal confirmed, failed
                try:
                    response = await slack.submit(view, answers, user=person)
                    assert response.status < 500, response.status
                    body = await response.json()
                except (TimeoutError, aiohttp.ClientError):
                    failed += 1  # refused after the stop: Slack shows the person an error
                    return
                if body.get("response_action") == "update":
                    confirmed += 1
                    if confirmed >= 5:
                        first_answers.set()

            # Half are in flight when the stop comes; the other half arrive just after it.
            burst = [asyncio.create_task(one(person)) for person in PEOPLE[:40]]
            await asyncio.wait_for(first_answers.wait(), timeout=20)
            process.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.05)
            burst += [asyncio.create_task(one(person)) for person in PEOPLE[40:]]
            await asyncio.gather(*burst)
            assert process.wait(timeout=30) == 0

    assert confirmed >= 5
    assert confirmed + failed == len(PEOPLE)
    with sqlite3.connect(side_file_for(tmp_path / "t.db")) as db:
        (recorded,) = db.execute(
            "SELECT count(*) FROM participation WHERE round_id = ?", (round_id,)
        ).fetchone()
    # Nobody was told "recorded" for an answer the stop then lost (and nothing extra stuck).
    assert recorded == confirmed

    lines = (tmp_path / "serve.log").read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert {"time", "level", "logger", "message"} <= set(records[0])
    assert any(r.get("route") == "/slack/events" and r.get("status") == 200 for r in records)
    assert not [r for r in records if r["level"] in ("ERROR", "CRITICAL")]
    logged = "\n".join(lines)
    for secret in [*PEOPLE, FACILITATOR, TOKEN, SIGNING_SECRET]:
        assert secret not in logged
    for statement in default_pack().statements:
        assert statement.id not in logged
