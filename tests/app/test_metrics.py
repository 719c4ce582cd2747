"""The metrics: what each counter counts, its labels, and the exposition at /metrics."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import aiohttp
import pytest
from aiohttp import test_utils, web
from prometheus_client.exposition import generate_latest

from app.metrics import Metrics
from app.web import web_app
from scheduler.acts import Outcome
from surveys.claims import Act
from surveys.events import Happened
from tests.app.metrics_text import samples, total, value


async def ready() -> dict[str, bool]:
    return {"database": True}


async def scrape(http: test_utils.TestClient[Any, Any]) -> str:
    response = await http.get("/metrics")
    assert response.status == 200
    assert response.content_type == "text/plain"
    return await response.text()


async def test_requests_are_counted_and_timed_by_route_pattern() -> None:
    metrics = Metrics()

    async def hello(_request: web.Request) -> web.Response:
        return web.Response(text="hi")

    app = web_app([web.get("/hello/{name}", hello)], readiness=ready, metrics=metrics)
    async with test_utils.TestClient(test_utils.TestServer(app)) as http:
        for name in ("UP01", "UP02"):
            assert (await http.get(f"/hello/{name}?token=secret")).status == 200
        assert (await http.get("/no/such/page")).status == 404
        text = await scrape(http)
    labels = {"route": "/hello/{name}", "method": "GET", "status": "200"}
    assert value(text, "tryghed_http_requests_total", **labels) == 2
    assert value(text, "tryghed_http_requests_total", route="unmatched", method="GET", status="404")
    assert value(text, "tryghed_http_request_duration_seconds_count", route="/hello/{name}") == 2
    # Only patterns: no path value, query or person ever becomes a label.
    for forbidden in ("UP01", "secret", "/no/such/page"):
        assert forbidden not in text


def test_the_service_events_move_their_counters() -> None:
    metrics = Metrics()
    for happened in (
        Happened.ROUND_OPENED,
        Happened.ANSWERS_RECORDED,
        Happened.ANSWERS_RECORDED,
        Happened.TEAM_CHANGED,
        Happened.ROUND_CLOSED,
    ):
        metrics.heard(happened)
    text = metrics_text(metrics)
    assert value(text, "tryghed_rounds_opened_total") == 1
    assert value(text, "tryghed_answers_recorded_total") == 2
    assert value(text, "tryghed_rounds_closed_total") == 1


@pytest.mark.parametrize(
    ("outcome", "counted"),
    [
        (Outcome.DONE, {"claimed", "sent"}),
        (Outcome.LATE, {"claimed", "sent", "late"}),
        (Outcome.SKIPPED, {"claimed", "missed"}),
        (Outcome.FAILED, {"claimed", "failed"}),
        # A retry is counted on its own: the retried try's outcome counts its claim.
        (Outcome.RETRIED, {"retried"}),
    ],
)
def test_an_act_counts_as_claimed_and_what_became_of_it(
    outcome: Outcome, counted: set[str]
) -> None:
    metrics = Metrics()
    metrics.act(Act.REMIND, outcome)
    text = metrics_text(metrics)
    moved = {
        dict(labels)["outcome"]
        for (name, labels), v in samples(text).items()
        if name == "tryghed_scheduled_acts_total" and v
    }
    assert moved == counted
    assert total(text, "tryghed_scheduled_acts_total", act="remind") == len(counted)
    # Every act and outcome is there from the start, so alerts see a zero, not a gap.
    assert (
        "tryghed_scheduled_acts_total",
        frozenset({("act", "open"), ("outcome", "missed")}),
    ) in (samples(text))


def test_rounds_past_their_deadline_are_one_unlabelled_gauge() -> None:
    metrics = Metrics()
    assert value(metrics_text(metrics), "tryghed_rounds_overdue") == 0
    metrics.rounds_overdue(3)
    metrics.rounds_overdue(2)  # each sync says how many there are now
    text = metrics_text(metrics)
    assert value(text, "tryghed_rounds_overdue") == 2
    assert [labels for (name, labels) in samples(text) if name == "tryghed_rounds_overdue"] == [
        frozenset()
    ]


async def test_the_client_trace_counts_every_attempt_by_status() -> None:
    metrics = Metrics()
    statuses = iter([429, 503, 200])

    async def flaky(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True}, status=next(statuses))

    app = web.Application()
    app.add_routes([web.post("/api/chat.postMessage", flaky)])
    async with (
        test_utils.TestServer(app) as server,
        aiohttp.ClientSession(trace_configs=[metrics.trace("slack")]) as session,
    ):
        for _ in range(3):
            async with session.post(server.make_url("/api/chat.postMessage")):
                pass
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.post(f"http://127.0.0.1:{closed_port()}/api/auth.test")
        with pytest.raises(asyncio.TimeoutError):
            await session.post(
                server.make_url("/api/chat.postMessage"),
                timeout=aiohttp.ClientTimeout(total=0.000001),
            )
    text = metrics_text(metrics)
    for status in ("429", "503", "200", "connection", "timeout"):
        assert value(text, "tryghed_chat_api_calls_total", platform="slack", status=status) == 1


def metrics_text(metrics: Metrics) -> str:
    return generate_latest(metrics.registry).decode()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
