"""The web app's probes: /healthz always, /readyz by the checks it is given."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import test_utils, web

from app.metrics import Metrics
from app.web import Readiness, web_app


@asynccontextmanager
async def client(
    checks: dict[str, bool], routes: list[web.RouteDef] | None = None
) -> AsyncIterator[test_utils.TestClient[Any, Any]]:
    async def readiness() -> dict[str, bool]:
        return dict(checks)

    ready: Readiness = readiness
    app = web_app(routes or [], readiness=ready, metrics=Metrics())
    async with test_utils.TestClient(test_utils.TestServer(app)) as http:
        yield http


async def test_healthz_is_always_ok() -> None:
    async with client({"database": False}) as http:
        response = await http.get("/healthz")
        assert response.status == 200
        assert await response.json() == {"status": "ok"}


async def test_readyz_is_ready_when_every_check_passes() -> None:
    async with client({"database": True, "migrations": True}) as http:
        response = await http.get("/readyz")
        assert response.status == 200
        assert await response.json() == {
            "status": "ready",
            "checks": {"database": True, "migrations": True},
        }


async def test_readyz_names_the_failing_check() -> None:
    async with client({"database": True, "migrations": False}) as http:
        response = await http.get("/readyz")
        assert response.status == 503
        body = await response.json()
        assert body == {"status": "not ready", "checks": {"database": True, "migrations": False}}
        assert [name for name, ok in body["checks"].items() if not ok] == ["migrations"]


async def test_readyz_asks_every_time() -> None:
    checks = {"database": True}
    async with client(checks) as http:
        assert (await http.get("/readyz")).status == 200
        checks["database"] = False  # the database goes away after start-up
        assert (await http.get("/readyz")).status == 503


async def test_the_platform_routes_are_served_too() -> None:
    async def hello(_request: web.Request) -> web.Response:
        return web.Response(text="hi")

    async with client({}, [web.post("/slack/events", hello)]) as http:
        response = await http.post("/slack/events")
        assert response.status == 200
        assert await response.text() == "hi"
        assert (await http.get("/slack/events")).status == 405
        assert (await http.get("/nowhere")).status == 404
        # No checks at all: nothing is failing.
        assert (await http.get("/readyz")).status == 200
