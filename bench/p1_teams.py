"""P1 on Teams: signed `adaptiveCard/action` invokes of the answer card's Action.Execute over
loopback into a real `tryghed serve` (SQLite, then PostgreSQL), against the framework floor:
a bare botbuilder `CloudAdapter` and `ActivityHandler` on an aiohttp server that authenticates
the same way and answers every invoke with an empty 200 invoke response.

Every invoke is a distinct person answering an open round, so each is really counted (the
database is checked afterwards). The Bot Framework is a fake in its own process
(bench/teams_fake.py): it publishes the signing keys both services fetch and check every token
against, signs the channel's bearer token (one for the whole run, as Teams reuses one for an
hour), and is the connector the count updates go to, 20 ms away.

Prints, per database:

    P1T <db> floor_rps=… ours_rps=… ratio=… target_ratio>=0.7
    P1T <db> rate_rps=… p50_ms=… p99_ms=… target_p99_ms<50      (ours at half its maximum)
    P1T <db> floor rate_rps=… p50_ms=… p99_ms=…                  (the floor at the same rate)

Throughput is the median of three alternating closed-loop runs (ours, floor, ...) with
`--clients` connections; latency is open-loop (requests sent on a fixed schedule, timed from
when they were due, so a stall counts in full).

    python bench/p1_teams.py [--postgres postgresql://…/db] [--requests 2000] [--clients 32]
        [--profile DIR]   # py-spy flame graphs of serve during one throughput run
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from p1_answer import (
    KEY,
    LATENCY_SECONDS,
    MEMBERS,
    RUNS,
    TEAMS,
    Connection,
    _closed_loop,
    _counted,
    _nothing,
    _open_loop,
    _p99,
    _profiled,
    _show_logs,
)
from processes import WallClock, free_port, http_get, running
from teams_fake import service_url, trust_fake

from bot.msteams.addresses import Addresses, address_of
from bot.msteams.cards import form_card
from bot.msteams.connector import MessageRef
from bot.views.pulse import answer_form
from content.loader import default_pack
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.open_store import TABLES
from storage.schema import METADATA
from storage.unit_of_work import SqlStorage
from surveys.announcements import PulseStatus
from surveys.service import PulseService
from surveys.team import ChannelRef, Team, TeamSettings

APP_ID = "7d3c2b1a-0f9e-4d8c-b7a6-958473625140"
PASSWORD = "bench-not-a-secret"
TENANT = "bench-tenant-0001"
BOT = f"28:{APP_ID}"
TEAM = "19:bench-team@thread.tacv2"
BENCH = Path(__file__).resolve().parent
Check = Callable[[int, bytes], str | None]


def _channel(n: int) -> str:
    return f"19:bench-channel-{n:04d}@thread.tacv2"


def _person(n: int) -> str:
    """Person n's AAD object id (the id Tryghed knows people by on Teams)."""
    return f"00000000-0000-4000-8000-{n:012d}"


# -- the rounds people answer ---------------------------------------------------------------


class _Chat:
    """Stands in for Teams while the bench opens rounds directly through the service."""

    def __init__(self) -> None:
        self.ids = count(1_700_000_000_001)

    async def channel_members(self, team: Team) -> list[str]:
        # Person n answers team n % TEAMS (Requests.make): its channel has them all.
        first = int(team.channel.channel_id.split("-")[-1].split("@")[0])
        return [_person(n) for n in range(first, TEAMS * MEMBERS, TEAMS)]

    async def post_pulse(self, status: PulseStatus) -> str:
        activity_id = str(next(self.ids))
        channel = status.team.channel.channel_id
        return MessageRef(f"{channel};messageid={activity_id}", activity_id).encode()


@dataclass(frozen=True)
class Pressed:
    """An open round's answer card, as the bot shows it in place of the pulse card."""

    channel: str
    message: MessageRef
    verb: str
    data: dict[str, Any]
    inputs: tuple[str, ...]


def _activity(base: str, channel: str, **fields: Any) -> dict[str, Any]:
    """An activity from a channel of the bench's tenant, as Teams sends it."""
    return {
        "channelId": "msteams",
        "serviceUrl": service_url(base),
        "recipient": {"id": BOT, "name": "Tryghed"},
        "channelData": {
            "tenant": {"id": TENANT},
            "team": {"id": TEAM, "name": "Bench"},
            "channel": {"id": channel, "name": "Pulse"},
        },
        "locale": "en-US",
        **fields,
    }


async def _prepare(url: str, base: str) -> list[Pressed]:
    """An empty database with TEAMS teams, each in a channel Tryghed can reach (its address
    points at the fake connector) and each with an open round."""
    from botbuilder.schema import Activity

    engine = create_engine(url)
    await upgrade(engine)
    async with engine.begin() as connection:
        for table in (*reversed(METADATA.sorted_tables), *TABLES):
            await connection.execute(table.delete())
    content = default_pack()
    storage = SqlStorage(engine)
    service = PulseService(
        unit_of_work=storage,
        clock=WallClock(),
        chat=_Chat(),  # type: ignore[arg-type]
        content=content,
        secret_key=KEY.encode(),
    )
    addresses = Addresses(storage)
    pressed = []
    settings = TeamSettings(language="en", timezone="UTC")
    for n in range(TEAMS):
        channel = _channel(n)
        added = _activity(
            base,
            channel,
            type="conversationUpdate",
            id=f"f:added-{n}",
            conversation={"id": channel, "conversationType": "channel", "tenantId": TENANT},
        )
        await addresses.remember(address_of(Activity().deserialize(added), channel))
        team = await service.set_up_team(ChannelRef("teams", TENANT, channel), settings)
        round_ = await service.open_round(team.id)
        assert round_.message_ref is not None
        card = form_card(answer_form(round_, team, content))
        (submit,) = card["actions"]
        inputs = tuple(b["id"] for b in card["body"] if b["type"].startswith("Input."))
        message = MessageRef.decode(round_.message_ref)
        pressed.append(Pressed(channel, message, submit["verb"], submit["data"], inputs))
    await engine.dispose()
    return pressed


# -- signed requests ---------------------------------------------------------------------


class Requests:
    """Invokes of the answer card's submit action, each from a person who has not answered
    yet, all with the one bearer token Teams would send for the hour."""

    def __init__(self, pressed: list[Pressed], port: int, base: str) -> None:
        self.pressed = pressed
        self.port = port
        self.base = base
        self.people = 0
        query = urlencode({"aud": APP_ID, "serviceurl": service_url(base)})
        self.token = json.loads(http_get(f"{base}/_token?{query}"))["token"]

    def make(self, count: int) -> list[bytes]:
        """`count` requests (the token is good for an hour)."""
        made = []
        for _ in range(count):
            self.people += 1
            made.append(self.one(self.people, self.token))
        return made

    def one(self, person: int, token: str) -> bytes:
        """`person` answers, with `token` in Authorization."""
        card = self.pressed[person % len(self.pressed)]
        data = {**card.data, **dict.fromkeys(card.inputs, "4")}
        activity = _activity(
            self.base,
            card.channel,
            type="invoke",
            name="adaptiveCard/action",
            id=f"f:{person}",
            timestamp="2026-03-02T08:00:00.000Z",
            conversation={
                "id": card.message.conversation_id,
                "conversationType": "channel",
                "isGroup": True,
                "tenantId": TENANT,
            },
            replyToId=card.message.activity_id,
            value={
                "action": {"type": "Action.Execute", "verb": card.verb, "data": data},
                "trigger": "manual",
            },
            **{
                "from": {
                    "id": f"29:bench-user-{person:08d}",
                    "aadObjectId": _person(person),
                    "name": f"Person {person}",
                }
            },
        )
        body = json.dumps(activity).encode()
        head = (
            f"POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nAuthorization: Bearer {token}\r\n\r\n"
        )
        return head.encode() + body


def _ours(status: int, body: bytes) -> str | None:
    """What is wrong with our answer: the thanks card, in a 200 invoke response."""
    if status != 200:
        return f"HTTP {status}: {body[:200]!r}"
    if b"Your answer counts" not in body:
        return f"not counted: {body[:600]!r}"
    return None


def _floor(status: int, body: bytes) -> str | None:
    return None if status == 200 else f"HTTP {status}: {body[:200]!r}"


# What went wrong, per side ("ours", "floor").
FAILED: dict[str, list[str]] = {"ours": [], "floor": []}


def _checked(side: str, check: Check, status: int, body: bytes) -> None:
    problem = check(status, body)
    if problem is not None:
        FAILED[side].append(problem)


def _side(side: str) -> Callable[[int, bytes], None]:
    """The check of one side's responses, recording what went wrong under its name."""
    check = _ours if side == "ours" else _floor
    return lambda status, body: _checked(side, check, status, body)


async def _refuses_forgery(port: int, requests: Requests) -> None:
    """Both sides check tokens: one with a forged signature is refused (ours says 401;
    botbuilder's own `process` lets the signature error through as a 500)."""
    header, claims, _ = requests.token.split(".")
    forged = f"{header}.{claims}.{base64.urlsafe_b64encode(bytes(256)).decode().rstrip('=')}"
    connection = await Connection.open(port)
    # Person 0 never answers otherwise: a refused answer leaves the count as it was.
    status, body = await connection.send(requests.one(0, forged))
    connection.close()
    if status < 400:
        raise SystemExit(f"P1T: a forged token got HTTP {status} on port {port}: {body[:200]!r}")


# -- the floor and ours, each trusting the fake --------------------------------------------


def floor_server(port: int, base: str) -> None:
    """A bare botbuilder CloudAdapter and ActivityHandler answering every invoke with an empty
    200 invoke response, on an aiohttp server like serve's."""
    trust_fake(base)
    from aiohttp import web
    from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
    from botbuilder.integration.aiohttp import (
        CloudAdapter,
        ConfigurationBotFrameworkAuthentication,
    )

    from bot.msteams.adapter import BotConfig

    class Floor(ActivityHandler):  # type: ignore[misc]
        async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
            return InvokeResponse(status=200)

    config = BotConfig(app_id=APP_ID, password=PASSWORD, app_type="SingleTenant", tenant_id=TENANT)
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(config))
    bot = Floor()

    async def messages(request: web.Request) -> web.Response:
        response: web.Response = await adapter.process(request, bot)
        return response

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    web_app = web.Application()
    web_app.add_routes([web.get("/healthz", healthz), web.post("/api/messages", messages)])
    web.run_app(web_app, host="127.0.0.1", port=port, access_log=None, print=None)


def serve(base: str, argv: list[str]) -> None:
    """`tryghed` itself (app.cli), trusting the fake Bot Framework at `base`."""
    trust_fake(base)
    from app.cli import main

    raise SystemExit(main(argv))


# -- the run -------------------------------------------------------------------------------


async def _measure(name: str, url: str, folder: Path, args: argparse.Namespace, base: str) -> None:
    pressed = await _prepare(url, base)
    ours_port, floor_port = free_port(), free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "TRYGHED_DATABASE_URL": url,
        "TRYGHED_SECRET_KEY": KEY,
        "MICROSOFT_APP_ID": APP_ID,
        "MICROSOFT_APP_PASSWORD": PASSWORD,
        "MICROSOFT_APP_TENANT_ID": TENANT,
    }
    ours_requests = Requests(pressed, ours_port, base)
    floor_requests = Requests(pressed, floor_port, base)
    with (
        running(
            [sys.executable, __file__, "--serve", base, "serve", "--port", str(ours_port)],
            env=env,
            ready=f"http://127.0.0.1:{ours_port}/readyz",
            log=folder / f"serve-{name}.log",
            cwd=folder,
            stop_seconds=20,
        ) as ours,
        running(
            [sys.executable, __file__, "--floor", str(floor_port), base],
            env=env,
            ready=f"http://127.0.0.1:{floor_port}/healthz",
            log=folder / f"floor-{name}.log",
            cwd=folder,
            stop_seconds=20,
        ),
    ):
        for port, requests in ((ours_port, ours_requests), (floor_port, floor_requests)):
            await _refuses_forgery(port, requests)
        # Warm both up: imports on first use, pools, the signing keys fetched once.
        await _closed_loop(ours_port, ours_requests.make(200), 8, _side("ours"))
        await _closed_loop(floor_port, floor_requests.make(200), 8, _side("floor"))
        ours_rps, floor_rps = [], []
        for run in range(RUNS):
            profiled = args.profile and run == RUNS - 1
            spy = _profiled(ours.pid, folder, args.profile, f"teams-{name}")
            with spy if profiled else _nothing():
                ours_rps.append(
                    await _closed_loop(
                        ours_port, ours_requests.make(args.requests), args.clients, _side("ours")
                    )
                )
            floor_rps.append(
                await _closed_loop(
                    floor_port, floor_requests.make(args.requests), args.clients, _side("floor")
                )
            )
        ours_max, floor_max = statistics.median(ours_rps), statistics.median(floor_rps)
        print(
            f"P1T {name} floor_rps={floor_max:.0f} ours_rps={ours_max:.0f} "
            f"ratio={ours_max / floor_max:.2f} target_ratio>=0.7 clients={args.clients} "
            f"runs_ours={'/'.join(f'{r:.0f}' for r in ours_rps)} "
            f"runs_floor={'/'.join(f'{r:.0f}' for r in floor_rps)}",
            flush=True,
        )
        rate = ours_max / 2
        count = int(rate * LATENCY_SECONDS)
        ours_ms = await _open_loop(ours_port, ours_requests.make(count), rate, _side("ours"))
        print(
            f"P1T {name} rate_rps={rate:.0f} p50_ms={statistics.median(ours_ms):.1f} "
            f"p99_ms={_p99(ours_ms):.1f} target_p99_ms<50 requests={count}",
            flush=True,
        )
        # Bare botbuilder may not manage our half: then it is timed at half its own maximum.
        floor_rate = min(rate, floor_max / 2)
        floor_count = int(floor_rate * LATENCY_SECONDS)
        floor_ms = await _open_loop(
            floor_port, floor_requests.make(floor_count), floor_rate, _side("floor")
        )
        print(
            f"P1T {name} floor rate_rps={floor_rate:.0f} "
            f"p50_ms={statistics.median(floor_ms):.1f} p99_ms={_p99(floor_ms):.1f}",
            flush=True,
        )
        connector = json.loads(http_get(f"{base}/_record"))["calls"]
        print(f"P1T {name} connector_calls={connector}", flush=True)
    counted = await _counted(url)
    if not ours_requests.people - len(FAILED["ours"]) <= counted <= ours_requests.people:
        raise SystemExit(f"P1T {name}: {ours_requests.people} answers sent, {counted} counted")
    for side, failed in FAILED.items():
        if failed:
            print(f"P1T {name} {side} failed={len(failed)} first={failed[0]}", flush=True)
            failed.clear()


async def main(argv: list[str]) -> None:
    """Run P1 on Teams on SQLite (and PostgreSQL when given)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="a PostgreSQL database URL of its own (emptied)")
    parser.add_argument("--requests", type=int, default=2000, help="per throughput run")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--profile", help="write py-spy profiles of serve into this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        fake_port = free_port()
        base = f"http://127.0.0.1:{fake_port}"
        with running(
            [sys.executable, str(BENCH / "teams_fake.py"), "--port", str(fake_port)],
            env={"PATH": os.environ.get("PATH", "")},
            ready=f"{base}/_record",
            log=folder / "teams.log",
            cwd=folder,
            stop_seconds=20,
        ):
            targets = [("sqlite", f"sqlite+aiosqlite:///{folder / 'p1.db'}")]
            if args.postgres:
                targets.append(("postgresql", args.postgres))
            for db, url in targets:
                try:
                    await _measure(db, url, folder, args, base)
                except Exception:
                    _show_logs(folder)
                    raise


if __name__ == "__main__":
    if sys.argv[1:2] == ["--floor"]:
        floor_server(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2], sys.argv[3:])
    else:
        asyncio.run(main(sys.argv[1:]))
