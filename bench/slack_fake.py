"""A lean fake Slack Web API for the benchmarks: latency, Slack's posting limits, a record.

Run as its own process so that it never competes with the code under test for a loop:

    python bench/slack_fake.py --port P [--latency 0.02] [--workspace-rate 20] [--channel-rate 1]

The token names the workspace (`xoxb-T0003` is workspace `T0003`). `chat.postMessage` is
limited the way Slack describes it: about one message a second per channel (short bursts
allowed), and a workspace-wide cap (Slack publishes no number; the benchmark picks one).
Both are sliding one-second windows; beyond them the answer is HTTP 429 with `Retry-After`
in whole seconds, as Slack sends it. Every other method answers after the latency only.
`GET /_record` returns what was posted and refused, as JSON.

The tests' fake (tests/fakes/slack_api.py) checks every call against Slack's spec; this one
does not, so that the fake is never the bottleneck being measured.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time
from collections import Counter, defaultdict, deque
from typing import Any

from aiohttp import web

BOT_USER = "UBOT"
MEMBERS = 8
WINDOW = 1.0


class Window:
    """At most `limit` events in any `WINDOW` seconds."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.times: deque[float] = deque()

    def wait(self, now: float) -> float:
        """0 if one more event fits now, else the seconds until it would."""
        while self.times and self.times[0] <= now - WINDOW:
            self.times.popleft()
        if len(self.times) < self.limit:
            return 0.0
        return self.times[0] + WINDOW - now

    def take(self, now: float) -> None:
        """Count an event."""
        self.times.append(now)


class Fake:
    """The Web API methods the bot calls, with the limits and a record of the posts."""

    def __init__(self, *, latency: float, workspace_rate: int, channel_rate: int) -> None:
        self.latency = latency
        self.workspace = defaultdict(lambda: Window(workspace_rate))
        self.channel = defaultdict(lambda: Window(channel_rate))
        self.posts: list[tuple[str, str, float]] = []  # (workspace, channel, when accepted)
        self.limited: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.ts = 1_700_000_000_000_000

    async def handle(self, request: web.Request) -> web.Response:
        """One Web API call."""
        method = request.match_info["method"]
        args = await _arguments(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        workspace = token.removeprefix("xoxb-") or "T0001"
        self.calls[method] += 1
        now = time.time()
        if method == "chat.postMessage":
            channel = str(args.get("channel", ""))
            wait = max(
                self.workspace[workspace].wait(now), self.channel[(workspace, channel)].wait(now)
            )
            if wait > 0:
                self.limited[workspace] += 1
                await asyncio.sleep(self.latency)
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(max(1, math.ceil(wait)))},
                )
            self.workspace[workspace].take(now)
            self.channel[(workspace, channel)].take(now)
            self.posts.append((workspace, channel, now))
        await asyncio.sleep(self.latency)
        return web.json_response({"ok": True, **self.answer(method, args, workspace)})

    def answer(self, method: str, args: dict[str, Any], workspace: str) -> dict[str, Any]:
        """The body of a successful call."""
        if method == "auth.test":
            return {"team_id": workspace, "user_id": BOT_USER, "bot_id": "B0001"}
        if method == "users.info":
            user = str(args.get("user", ""))
            return {"user": {"id": user, "team_id": workspace, "locale": "en-US"}}
        if method == "conversations.members":
            channel = str(args.get("channel", ""))
            members = [f"U{channel}{n}" for n in range(MEMBERS)] + [BOT_USER]
            return {"members": members, "response_metadata": {"next_cursor": ""}}
        if method in {"chat.postMessage", "chat.update"}:
            self.ts += 100
            ts = f"{self.ts // 1_000_000}.{self.ts % 1_000_000:06d}"
            return {"channel": args.get("channel"), "ts": args.get("ts") or ts}
        if method in {"views.open", "views.update", "views.publish"}:
            return {"view": {"id": "V1"}}
        return {}

    async def record(self, _request: web.Request) -> web.Response:
        """What was posted and refused."""
        return web.json_response(
            {"posts": self.posts, "limited": dict(self.limited), "calls": dict(self.calls)}
        )

    async def reset(self, _request: web.Request) -> web.Response:
        """Forget everything (between phases)."""
        self.posts.clear()
        self.limited.clear()
        self.calls.clear()
        self.workspace.clear()
        self.channel.clear()
        return web.json_response({"ok": True})


async def _arguments(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                args.update(body)
        else:
            args.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    return args


async def _respond(request: web.Request) -> web.Response:
    # A `response_url`: bolt's `respond()` posts here.
    await request.read()
    return web.json_response({"ok": True})


def main() -> None:
    """Serve until killed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--workspace-rate", type=int, default=20)
    parser.add_argument("--channel-rate", type=int, default=1)
    args = parser.parse_args()
    fake = Fake(
        latency=args.latency, workspace_rate=args.workspace_rate, channel_rate=args.channel_rate
    )
    app = web.Application(client_max_size=8 * 1024 * 1024)
    app.router.add_route("*", "/api/{method}", fake.handle)
    app.router.add_post("/respond/{key}", _respond)
    app.router.add_get("/_record", fake.record)
    app.router.add_post("/_reset", fake.reset)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
