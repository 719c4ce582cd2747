"""P1: the answer path. Signed Slack `view_submission` answer forms over loopback into a real
`tryghed serve` (SQLite, then PostgreSQL), against the framework floor: a bare bolt `AsyncApp`
served by bolt's own aiohttp adapter, that only calls `ack()`, sent the same payloads.

Every submission is a distinct person answering an open round, so each is really counted (the
database is checked afterwards). Slack's Web API is a fake in its own process, 20 ms away.

Prints, per database:

    P1 <db> floor_rps=… ours_rps=… ratio=… target_ratio>=0.7
    P1 <db> cpu_ms_per_answer ours=… floor=… ratio=…        (CPU time of each serving process)
    P1 <db> rate_rps=… p50_ms=… p99_ms=… target_p99_ms<50      (ours at half its maximum)
    P1 <db> floor rate_rps=… p50_ms=… p99_ms=…                  (the floor at the same rate)
    P1 <db> form_opens=… opened=… cpu_ms_per_open=…              (Answer pressed, form opened)

Throughput is the median of three alternating closed-loop runs (ours, floor, ...) with
`--clients` connections; latency is open-loop (requests sent on a fixed schedule, timed from
when they were due, so a stall counts in full).

    python bench/p1_answer.py [--postgres postgresql://…/db] [--requests 2000] [--clients 32]
        [--profile DIR]   # py-spy flame graphs of serve during one throughput run
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from processes import WallClock, cpu_seconds, free_port, http_get, running
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from bot.slack.blocks import modal
from bot.views.card import Action
from bot.views.pulse import answer_form
from content.loader import default_pack
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.open_store import PARTICIPATION, TABLES
from storage.schema import METADATA
from storage.unit_of_work import SqlStorage
from surveys.announcements import PulseStatus
from surveys.service import PulseService
from surveys.team import ChannelRef, Team, TeamSettings

SECRET = "p1-signing-secret-0123456789abcdef"
KEY = "p1-secret-key-0123456789abcdef0123456789"
WORKSPACE = "T0001"
TOKEN = f"xoxb-{WORKSPACE}"
TEAMS = 100
MEMBERS = 300  # per team: enough people for every run
RUNS = 3
LATENCY_SECONDS = 10.0
# Answer buttons pressed, and how long their forms may take to open after the presses' acks.
OPENS = 1000
OPENED_SECONDS = 3.0
# The pulse messages' count updates follow the answers by up to this (settings' default).
AFTERWARDS_SECONDS = 15.0
BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


# -- the rounds people answer ---------------------------------------------------------------


class _Chat:
    """Stands in for Slack while the bench opens rounds directly through the service."""

    def __init__(self) -> None:
        self.n = 0

    async def channel_members(self, team: Team) -> list[str]:
        # Person n answers team n % TEAMS (Requests.make): its channel has them all.
        first = int(team.channel.channel_id.removeprefix("C"))
        return [f"UA{n:08d}" for n in range(first, TEAMS * MEMBERS, TEAMS)]

    async def post_pulse(self, status: PulseStatus) -> str:
        self.n += 1
        return f"1700000000.{self.n:06d}"


@dataclass(frozen=True)
class Form:
    """An open round's answer form, as the bot would have opened it."""

    view: dict[str, Any]
    statements: tuple[str, ...]
    round_id: str
    channel_id: str


async def _prepare(url: str) -> list[Form]:
    """An empty database with TEAMS teams, each with an open round."""
    engine = create_engine(url)
    await upgrade(engine)
    async with engine.begin() as connection:
        for table in (*reversed(METADATA.sorted_tables), *TABLES):
            await connection.execute(table.delete())
    content = default_pack()
    service = PulseService(
        unit_of_work=SqlStorage(engine),
        clock=WallClock(),
        chat=_Chat(),  # type: ignore[arg-type]
        content=content,
        secret_key=KEY.encode(),
    )
    forms = []
    settings = TeamSettings(language="en", timezone="UTC")
    for n in range(TEAMS):
        team = await service.set_up_team(ChannelRef("slack", WORKSPACE, f"C{n:04d}"), settings)
        round_ = await service.open_round(team.id)
        view = modal(answer_form(round_, team, content))
        forms.append(
            Form(
                {**view, "id": f"V{n:010d}"},
                round_.statement_ids,
                round_.id,
                team.channel.channel_id,
            )
        )
    await engine.dispose()
    return forms


async def _counted(url: str) -> int:
    engine = create_engine(url)
    async with engine.connect() as connection:
        total = (await connection.execute(select(func.count()).select_from(PARTICIPATION))).one()
    await engine.dispose()
    return int(total[0])


# -- signed requests ---------------------------------------------------------------------


class Requests:
    """Signed `view_submission` requests, each from a person who has not answered yet."""

    def __init__(self, forms: list[Form], port: int, *, people: int = 0) -> None:
        self.forms = forms
        self.port = port
        self.people = people  # how many came before: each request is from someone new

    def payload(self, form: Form, user: str) -> dict[str, Any]:
        """`user`'s answers to `form`, as Slack sends them."""
        values = {
            statement: {"value": {"type": "radio_buttons", "selected_option": {"value": "4"}}}
            for statement in form.statements
        }
        return {
            "type": "view_submission",
            "team": {"id": WORKSPACE, "domain": "bench"},
            "user": {"id": user, "team_id": WORKSPACE, "username": user.lower()},
            "api_app_id": "A0001",
            "token": "legacy",
            "trigger_id": f"trigger-{uuid.uuid4().hex}",
            "view": {**form.view, "state": {"values": values}},
            "is_enterprise_install": False,
            "enterprise": None,
        }

    def make(self, count: int) -> list[bytes]:
        """`count` requests, signed now (Slack's signatures are good for five minutes)."""
        verifier = SignatureVerifier(SECRET)
        timestamp = str(int(time.time()))
        made = []
        for _ in range(count):
            self.people += 1
            form = self.forms[self.people % len(self.forms)]
            user = f"UA{self.people:08d}"
            payload = self.payload(form, user)
            body = urlencode({"payload": json.dumps(payload)}).encode()
            signature = verifier.generate_signature(timestamp=timestamp, body=body.decode())
            head = (
                f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\nX-Slack-Request-Timestamp: {timestamp}\r\n"
                f"X-Slack-Signature: {signature}\r\n\r\n"
            )
            made.append(head.encode() + body)
        return made


class Presses(Requests):
    """Signed `block_actions` requests: a person presses the pulse message's Answer button
    (serve acknowledges at once, then asks Slack who they are, reads the round and opens the
    form with `views.open`)."""

    def payload(self, form: Form, user: str) -> dict[str, Any]:
        """A press of the Answer button under the round's pulse message."""
        return {
            "type": "block_actions",
            "team": {"id": WORKSPACE, "domain": "bench"},
            "user": {"id": user, "team_id": WORKSPACE, "username": user.lower()},
            "api_app_id": "A0001",
            "token": "legacy",
            "trigger_id": f"trigger-{uuid.uuid4().hex}",
            "channel": {"id": form.channel_id},
            "container": {"type": "message", "channel_id": form.channel_id},
            "message": {"ts": "1700000000.000100"},
            "actions": [
                {
                    "type": "button",
                    "action_id": Action.ANSWER.value,
                    "block_id": "pulse",
                    "value": form.round_id,
                    "action_ts": str(time.time()),
                }
            ],
        }


class Connection:
    """One keep-alive HTTP/1.1 connection: a lean client, so the load is not the bottleneck."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def send(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next(
            int(line.split(":", 1)[1])
            for line in lines
            if line.lower().startswith("content-length")
        )
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


# What went wrong, per side ("ours", "floor"); bolt answers 404 when no ack came within 3 s.
FAILED: dict[str, list[str]] = {"ours": [], "floor": []}


def _check(status: int, body: bytes, *, ours: bool) -> None:
    failed = FAILED["ours" if ours else "floor"]
    if status != 200:
        failed.append(f"HTTP {status}: {body[:200]!r}")
    elif ours and b"Your answer counts" not in body:
        failed.append(f"not counted: {body[:600]!r}")


def _acked(status: int, body: bytes) -> None:
    if status != 200:
        FAILED["ours"].append(f"press: HTTP {status}: {body[:200]!r}")


# Looks at one response (status, body) and records what is wrong with it.
Check = Callable[[int, bytes], None]
OURS: Check = partial(_check, ours=True)
FLOOR: Check = partial(_check, ours=False)


async def _closed_loop(port: int, requests: list[bytes], clients: int, check: Check) -> float:
    """Requests per second with `clients` connections, each sending as soon as it may."""
    pending = iter(requests)
    connections = [await Connection.open(port) for _ in range(clients)]

    async def client(connection: Connection) -> None:
        for request in pending:
            status, body = await connection.send(request)
            check(status, body)

    started = time.perf_counter()
    await asyncio.gather(*(client(c) for c in connections))
    elapsed = time.perf_counter() - started
    for connection in connections:
        connection.close()
    return len(requests) / elapsed


async def _open_loop(port: int, requests: list[bytes], rate: float, check: Check) -> list[float]:
    """Latencies (ms) of requests due at a fixed `rate`, each timed from when it was due."""
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(16):
        idle.put_nowait(await Connection.open(port))
    latencies: list[float] = []

    async def one(request: bytes, due: float) -> None:
        connection = idle.get_nowait() if not idle.empty() else await Connection.open(port)
        status, body = await connection.send(request)
        latencies.append((time.perf_counter() - due) * 1000)
        check(status, body)
        idle.put_nowait(connection)

    tasks = []
    start = time.perf_counter() + 0.05
    for n, request in enumerate(requests):
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(request, due)))
    await asyncio.gather(*tasks)
    while not idle.empty():
        idle.get_nowait().close()
    return latencies


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


# -- the floor -----------------------------------------------------------------------------


def floor_server(port: int, api_url: str) -> None:
    """A bare bolt AsyncApp that only acknowledges, served by bolt's own aiohttp adapter."""
    from aiohttp import web
    from slack_bolt.async_app import AsyncAck, AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.slack.manifest import EVENTS_PATH
    from bot.views.card import FormKind

    app = AsyncApp(signing_secret=SECRET, client=AsyncWebClient(token=TOKEN, base_url=api_url))

    @app.view(FormKind.ANSWER.value)
    async def on_answers(ack: AsyncAck) -> None:
        await ack()

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    web_app = app.web_app(path=EVENTS_PATH)
    web_app.add_routes([web.get("/healthz", healthz)])
    web.run_app(web_app, host="127.0.0.1", port=port, access_log=None, print=None)


# -- the run -------------------------------------------------------------------------------


def serve_env(url: str, api_url: str) -> dict[str, str]:
    """The environment of a `tryghed serve` on `url`, talking to the fake Slack at `api_url`."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "TRYGHED_DATABASE_URL": url,
        "TRYGHED_SECRET_KEY": KEY,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": api_url,
    }


@contextmanager
def slack_fake(folder: Path) -> Iterator[str]:
    """The fake Slack Web API in its own process, logging into `folder`; yields its API URL."""
    port = free_port()
    with running(
        [sys.executable, str(BENCH / "slack_fake.py"), "--port", str(port)],
        env={"PATH": os.environ.get("PATH", "")},
        ready=f"http://127.0.0.1:{port}/_record",
        log=folder / "slack.log",
        cwd=folder,
        stop_seconds=20,
    ):
        yield f"http://127.0.0.1:{port}/api/"


async def _measure(
    name: str, url: str, folder: Path, args: argparse.Namespace, api_url: str
) -> None:
    forms = await _prepare(url)
    ours_port, floor_port = free_port(), free_port()
    env = serve_env(url, api_url)
    ours_requests = Requests(forms, ours_port)
    floor_requests = Requests(forms, floor_port)
    with (
        running(
            [str(BIN / "tryghed"), "serve", "--port", str(ours_port)],
            env=env,
            ready=f"http://127.0.0.1:{ours_port}/readyz",
            log=folder / f"serve-{name}.log",
            cwd=folder,
            stop_seconds=20,
        ) as ours,
        running(
            [sys.executable, __file__, "--floor", str(floor_port), api_url],
            env=env,
            ready=f"http://127.0.0.1:{floor_port}/healthz",
            log=folder / f"floor-{name}.log",
            cwd=folder,
            stop_seconds=20,
        ) as floor,
    ):
        # Warm both up: imports on first use, pools, bolt's auth.test.
        await _closed_loop(ours_port, ours_requests.make(200), 8, OURS)
        await _closed_loop(floor_port, floor_requests.make(200), 8, FLOOR)
        ours_rps, floor_rps = [], []
        # CPU time over all runs, so the pulse messages' count updates that follow answers
        # (folded, up to Slack's delay later) count as ours too.
        spent = cpu_seconds(ours.pid), cpu_seconds(floor.pid)
        for run in range(RUNS):
            profile = args.profile and run == RUNS - 1
            with _profiled(ours.pid, folder, args.profile, name) if profile else _nothing():
                ours_rps.append(
                    await _closed_loop(
                        ours_port, ours_requests.make(args.requests), args.clients, OURS
                    )
                )
            floor_rps.append(
                await _closed_loop(
                    floor_port, floor_requests.make(args.requests), args.clients, FLOOR
                )
            )
        await asyncio.sleep(AFTERWARDS_SECONDS)
        ours_cpu = cpu_seconds(ours.pid) - spent[0]
        floor_cpu = cpu_seconds(floor.pid) - spent[1]
        ours_max, floor_max = statistics.median(ours_rps), statistics.median(floor_rps)
        print(
            f"P1 {name} floor_rps={floor_max:.0f} ours_rps={ours_max:.0f} "
            f"ratio={ours_max / floor_max:.2f} target_ratio>=0.7 clients={args.clients} "
            f"runs_ours={'/'.join(f'{r:.0f}' for r in ours_rps)} "
            f"runs_floor={'/'.join(f'{r:.0f}' for r in floor_rps)}",
            flush=True,
        )
        answered = RUNS * args.requests
        print(
            f"P1 {name} cpu_ms_per_answer ours={ours_cpu / answered * 1000:.2f} "
            f"floor={floor_cpu / answered * 1000:.2f} "
            f"ratio={floor_cpu / ours_cpu:.2f}",
            flush=True,
        )
        rate = ours_max / 2
        count = int(rate * LATENCY_SECONDS)
        ours_ms = await _open_loop(ours_port, ours_requests.make(count), rate, OURS)
        print(
            f"P1 {name} rate_rps={rate:.0f} p50_ms={statistics.median(ours_ms):.1f} "
            f"p99_ms={_p99(ours_ms):.1f} target_p99_ms<50 requests={count}",
            flush=True,
        )
        floor_ms = await _open_loop(floor_port, floor_requests.make(count), rate, FLOOR)
        print(
            f"P1 {name} floor rate_rps={rate:.0f} p50_ms={statistics.median(floor_ms):.1f} "
            f"p99_ms={_p99(floor_ms):.1f}",
            flush=True,
        )
        # Opening the form, for the capacity model: people who have not answered yet press
        # the Answer button; the form opens after the acknowledgement.
        record = api_url.removesuffix("api/") + "_record"
        opened_before = json.loads(http_get(record))["calls"].get("views.open", 0)
        presses = Presses(forms, ours_port, people=ours_requests.people)
        pressed = cpu_seconds(ours.pid)
        opens_rps = await _closed_loop(ours_port, presses.make(OPENS), args.clients, _acked)
        await asyncio.sleep(OPENED_SECONDS)
        opened = json.loads(http_get(record))["calls"].get("views.open", 0) - opened_before
        print(
            f"P1 {name} form_opens={OPENS} opened={opened} opens_rps={opens_rps:.0f} "
            f"cpu_ms_per_open={(cpu_seconds(ours.pid) - pressed) / OPENS * 1000:.2f}",
            flush=True,
        )
    # A request bolt gave up on (no ack within 3 s) may still have been counted afterwards.
    counted = await _counted(url)
    if not ours_requests.people - len(FAILED["ours"]) <= counted <= ours_requests.people:
        raise SystemExit(f"P1 {name}: {ours_requests.people} answers sent, {counted} counted")
    for side, failed in FAILED.items():
        if failed:
            print(f"P1 {name} {side} failed={len(failed)} first={failed[0]}", flush=True)
            failed.clear()


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextmanager
def _profiled(pid: int, folder: Path, out: str, name: str) -> Iterator[None]:
    """py-spy samples serve while the block runs (a flame graph and collapsed stacks)."""
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    spies = [
        subprocess.Popen(
            [
                str(BIN / "py-spy"),
                "record",
                "-p",
                str(pid),
                "-r",
                "200",
                "--nonblocking",
                "-f",
                kind,
                "-o",
                str(target / f"p1-{name}.{suffix}"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=(folder / f"py-spy-{suffix}.log").open("wb"),
        )
        for kind, suffix in (("flamegraph", "svg"), ("raw", "txt"))
    ]
    time.sleep(1)
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)
            spy.wait(30)


def _show_logs(folder: Path) -> None:
    for log in sorted(folder.glob("*.log")):
        print(f"--- {log.name}", log.read_text()[-4000:], sep="\n", file=sys.stderr)


async def main(argv: list[str]) -> None:
    """Run P1 on SQLite (and PostgreSQL when given)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="a PostgreSQL database URL of its own (emptied)")
    parser.add_argument("--requests", type=int, default=2000, help="per throughput run")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--profile", help="write py-spy profiles of serve into this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        with slack_fake(folder) as api_url:
            targets = [("sqlite", f"sqlite+aiosqlite:///{folder / 'p1.db'}")]
            if args.postgres:
                targets.append(("postgresql", args.postgres))
            for db, url in targets:
                try:
                    await _measure(db, url, folder, args, api_url)
                except Exception:
                    _show_logs(folder)
                    raise


if __name__ == "__main__":
    if sys.argv[1:2] == ["--floor"]:
        floor_server(int(sys.argv[2]), sys.argv[3])
    else:
        asyncio.run(main(sys.argv[1:]))
