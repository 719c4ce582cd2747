"""The aiohttp application: the platforms' routes plus health, readiness and metrics."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web

from app.metrics import Metrics

Readiness = Callable[[], Awaitable[dict[str, bool]]]


def web_app(
    routes: Iterable[web.RouteDef], *, readiness: Readiness, metrics: Metrics
) -> web.Application:
    """One app for Slack, Teams and the operator's probes."""

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_request: web.Request) -> web.Response:
        checks = await readiness()
        ready = all(checks.values())
        return web.json_response(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status=200 if ready else 503,
        )

    app = web.Application(middlewares=[metrics.middleware])
    app.add_routes(
        [
            web.get("/healthz", healthz),
            web.get("/readyz", readyz),
            web.get("/metrics", metrics.endpoint),
            *routes,
        ]
    )
    return app
