"""P2: fan-out. 1,000 teams in 10 Slack workspaces (OAuth installations), all due in the same
minute, opened by a real `tryghed serve` against a fake Slack Web API in its own process
(`--teams 10000 --workspaces 100` for the large run).

The fake answers every call after 20 ms and limits `chat.postMessage` as Slack describes it:
one message a second per channel, and a workspace-wide cap (`--workspace-rate`, default 20
messages a second: Slack publishes no number; "tens a second" is what apps report), answering
429 with `Retry-After` (whole seconds) beyond either.

The floor is what those limits allow: every team's pulse needs one Web API round trip before
its post (the channel's members), and a workspace can post `rate` messages in any second, so
its last post can go no sooner than 20 ms + (ceil(teams / rate) - 1) s after the slot.

Prints `P2 <db> teams=… workspaces=… total_s=… floor_s=… ratio=… target_ratio<=1.2 …`, with
`total_s` from the slot to the last post the fake accepted and `serve_peak_rss_mb` the serve
process's peak resident memory (VmHWM), `serve_cpu_ms_per_team` serve's CPU time from a second
before the slot until every post was seen, per team (a figure a busy host changes little),
after checking that every team was posted exactly once (the fake's record, and the database:
one open round with its message per team, one `open` claim marked sent per team). SQL
statements per opened team: bench/p2_service.py.

    python bench/p2_fanout.py [--teams 1000] [--workspaces 10] [--postgres postgresql://…/db]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from processes import WallClock, cpu_seconds, free_port, http_get, running
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy import func, select

from bot.slack.installations import installation_stores
from content.loader import default_pack
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.schema import METADATA, SLACK_TABLES
from storage.tables import ClaimRow, RoundRow
from storage.unit_of_work import SqlStorage
from surveys.service import PulseService
from surveys.team import ChannelRef, TeamSettings

CLIENT_ID = "1111.2222"
KEY = "p2-secret-key-0123456789abcdef0123456789"
LATENCY = 0.02
# Time for serve to start and set 1,000 timers before the slot; setting the teams up comes
# first, and takes longer with more of them.
LEAD_SECONDS = 25
SET_UP_SECONDS_PER_TEAM = 0.01
BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


class _NoChat:
    """Setting teams up needs no chat."""


def _workspace(n: int) -> str:
    return f"T{n:04d}"


async def _prepare(url: str, *, teams: int, workspaces: int) -> datetime:
    """Installations for the workspaces and `teams` teams, all due at the returned slot."""
    engine = create_engine(url)
    await upgrade(engine)
    async with engine.begin() as connection:
        for table in [*reversed(METADATA.sorted_tables), *SLACK_TABLES]:
            await connection.execute(table.delete())
    installations, _states = installation_stores(engine, CLIENT_ID)
    for n in range(workspaces):
        await installations.async_save(
            Installation(
                app_id="A0001",
                enterprise_id=None,
                team_id=_workspace(n),
                bot_token=f"xoxb-{_workspace(n)}",
                bot_id="B0001",
                bot_user_id="UBOT",
                bot_scopes=["chat:write", "commands"],
                user_id="UINSTALLER",
                installed_at=time.time(),
            )
        )
    now = datetime.now(UTC)
    lead = LEAD_SECONDS + SET_UP_SECONDS_PER_TEAM * teams
    slot = (now + timedelta(seconds=lead + 60)).replace(second=0, microsecond=0)
    settings = TeamSettings(
        weekday=slot.weekday(), local_time=slot.time(), timezone="UTC", language="en"
    )
    service = PulseService(
        unit_of_work=SqlStorage(engine),
        clock=WallClock(),
        chat=_NoChat(),  # type: ignore[arg-type]
        content=default_pack(),
        secret_key=KEY.encode(),
    )
    for n in range(teams):
        channel = ChannelRef("slack", _workspace(n % workspaces), f"C{n:05d}")
        await service.set_up_team(channel, settings, name=f"team {n}")
    await engine.dispose()
    return slot


async def _in_database(url: str) -> tuple[int, int, int]:
    """(open rounds, of them with a message, open claims marked sent)."""
    engine = create_engine(url)
    async with engine.connect() as connection:
        rounds = await connection.scalar(
            select(func.count()).select_from(RoundRow).where(RoundRow.closed_at.is_(None))
        )
        posted = await connection.scalar(
            select(func.count())
            .select_from(RoundRow)
            .where(RoundRow.closed_at.is_(None), RoundRow.message_ref.is_not(None))
        )
        sent = await connection.scalar(
            select(func.count())
            .select_from(ClaimRow)
            .where(ClaimRow.act == "open", ClaimRow.status == "sent")
        )
        teams_with_rounds = await connection.scalar(
            select(func.count(func.distinct(RoundRow.team_id)))
        )
    await engine.dispose()
    assert teams_with_rounds == rounds, "a team has more than one round"
    return int(rounds or 0), int(posted or 0), int(sent or 0)


def _floor(teams: int, workspaces: int, rate: int) -> float:
    busiest = math.ceil(teams / workspaces)
    return LATENCY + (math.ceil(busiest / rate) - 1)


async def _run(name: str, url: str, folder: Path, args: argparse.Namespace) -> None:
    slot = await _prepare(url, teams=args.teams, workspaces=args.workspaces)
    fake_port, port = free_port(), free_port()
    api = f"http://127.0.0.1:{fake_port}"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        # serve runs this checkout's code, also from a git worktree (the venv's editable
        # install points at the checkout it was made in).
        "PYTHONPATH": str(BENCH.parent),
        "TRYGHED_DATABASE_URL": url,
        "TRYGHED_SECRET_KEY": KEY,
        "TRYGHED_QUIET_HOURS": "false",
        "SLACK_SIGNING_SECRET": "p2-signing-secret-0123456789abcdef",
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": "p2-client-secret",
        "TRYGHED_PUBLIC_URL": "https://tryghed.invalid",
        "SLACK_API_URL": f"{api}/api/",
        # serve paces its posts to the cap the fake enforces (the setting's default is 20).
        "TRYGHED_SLACK_WORKSPACE_POSTS_PER_SECOND": str(args.workspace_rate),
    }
    fake_args = [
        sys.executable,
        str(BENCH / "slack_fake.py"),
        "--port",
        str(fake_port),
        "--latency",
        str(LATENCY),
        "--workspace-rate",
        str(args.workspace_rate),
        "--channel-rate",
        "1",
    ]
    with (
        running(
            fake_args,
            env=env,
            ready=f"{api}/_record",
            log=folder / f"slack-{name}.log",
            cwd=folder,
            stop_seconds=30,
        ),
        running(
            [str(BIN / "tryghed"), "serve", "--port", str(port)],
            env=env,
            ready=f"http://127.0.0.1:{port}/readyz",
            log=folder / f"serve-{name}.log",
            cwd=folder,
            stop_seconds=30,
        ) as serve,
    ):
        if datetime.now(UTC) >= slot:
            raise SystemExit(f"P2 {name}: serve was not ready before the slot; set up took long")
        floor = _floor(args.teams, args.workspaces, args.workspace_rate)
        spy = None
        await asyncio.sleep(max(0.0, slot.timestamp() - time.time() - 1))
        cpu_before = cpu_seconds(serve.pid)
        if args.profile:
            spy = _spy(serve.pid, Path(args.profile) / f"p2-{name}.txt")
        deadline = slot + timedelta(seconds=max(120.0, 20 * floor, 0.05 * args.teams))
        while True:
            await asyncio.sleep(0.5)
            record = json.loads(http_get(f"{api}/_record"))
            if len(record["posts"]) >= args.teams or datetime.now(UTC) > deadline:
                break
        cpu_ms = 1000 * (cpu_seconds(serve.pid) - cpu_before) / args.teams
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(30)
        # Anything posted twice would show up now.
        await asyncio.sleep(5)
        record = json.loads(http_get(f"{api}/_record"))
        peak_mb = _peak_rss_kb(serve.pid) / 1024
    posts = record["posts"]
    per_channel = Counter(channel for _, channel, _ in posts)
    once = sum(1 for n in per_channel.values() if n == 1)
    twice = sum(1 for n in per_channel.values() if n > 1)
    rounds, with_message, claims_sent = await _in_database(url)
    last = max((when for _, _, when in posts), default=float("nan"))
    total = last - slot.timestamp()
    first = min((when for _, _, when in posts), default=float("nan")) - slot.timestamp()
    print(
        f"P2 {name} teams={args.teams} workspaces={args.workspaces} total_s={total:.2f} "
        f"floor_s={floor:.2f} ratio={total / floor:.2f} target_ratio<=1.2 "
        f"first_post_s={first:.2f} posted_once={once} posted_twice={twice} "
        f"rounds={rounds} rounds_with_message={with_message} claims_sent={claims_sent} "
        f"throttled={sum(record['limited'].values())} workspace_rate={args.workspace_rate} "
        f"serve_cpu_ms_per_team={cpu_ms:.2f} "
        f"serve_peak_rss_mb={peak_mb:.0f}",
        flush=True,
    )
    if not once == rounds == with_message == claims_sent == args.teams or twice:
        raise SystemExit(f"P2 {name}: not every team was posted exactly once (see the line)")


def _peak_rss_kb(pid: int) -> int:
    """The process's peak resident set so far (VmHWM), in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for process {pid}")


def _spy(pid: int, out: Path) -> subprocess.Popen[bytes]:
    """py-spy samples serve through the fan-out (collapsed stacks, for a flame graph)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    spy = [str(BIN / "py-spy"), "record", "-p", str(pid), "-r", "200", "--nonblocking"]
    return subprocess.Popen(
        [*spy, "-f", "raw", "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def main(argv: list[str]) -> None:
    """Run P2 on SQLite (and PostgreSQL when given)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--workspaces", type=int, default=10)
    parser.add_argument("--workspace-rate", type=int, default=20, help="posts a second")
    parser.add_argument("--postgres", help="a PostgreSQL database URL of its own (emptied)")
    parser.add_argument("--profile", help="write py-spy samples of serve into this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        targets = [("sqlite", f"sqlite+aiosqlite:///{folder / 'p2.db'}")]
        if args.postgres:
            targets.append(("postgresql", args.postgres))
        for db, url in targets:
            try:
                await _run(db, url, folder, args)
            except BaseException:
                _show_logs(folder, db)
                raise


def _show_logs(folder: Path, name: str) -> None:
    for log in sorted(folder.glob(f"*-{name}.log")):
        print(f"--- {log.name}", log.read_text()[-4000:], sep="\n", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
