"""Prometheus metrics for `/metrics`: requests, answers, rounds, chat API calls, scheduled acts,
rounds open past their deadline.

Every label is a route, a platform, a status or an act: never a team, a person or an answer.
Each service has a registry of its own, so several services in one process (tests) never mix.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import SimpleNamespace

import aiohttp
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

from scheduler.acts import Outcome
from surveys.claims import Act
from surveys.events import Happened

UNMATCHED = "unmatched"  # requests to no route share one label, so scanners add no series
# Outcomes of a claimed act as operators name them; "sent" counts punctual and late sends.
ACT_OUTCOMES = {
    Outcome.DONE: ("sent",),
    Outcome.LATE: ("sent", "late"),
    Outcome.SKIPPED: ("missed",),
    Outcome.FAILED: ("failed",),
}
# A failed close claimed again: counted on its own, as the try's outcome counts the claim.
RETRIED = "retried"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Metrics:
    """The service's counters and histograms."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._requests = Counter(
            "tryghed_http_requests",
            "HTTP requests served, by route, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "tryghed_http_request_duration_seconds",
            "Time to answer an HTTP request, by route.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._answers = Counter(
            "tryghed_answers_recorded",
            "Answer forms recorded (one per person and round).",
            registry=self.registry,
        )
        self._opened = Counter(
            "tryghed_rounds_opened", "Pulse rounds opened.", registry=self.registry
        )
        self._closed = Counter(
            "tryghed_rounds_closed", "Pulse rounds closed.", registry=self.registry
        )
        self._chat_calls = Counter(
            "tryghed_chat_api_calls",
            "Calls to Slack's or Teams' API, every attempt, by HTTP status "
            "(or timeout/connection).",
            ["platform", "status"],
            registry=self.registry,
        )
        self._chat_failures = Counter(
            "tryghed_chat_api_failures",
            "Chat API calls given up after their retries.",
            ["platform"],
            registry=self.registry,
        )
        self._acts = Counter(
            "tryghed_scheduled_acts",
            "Scheduled acts (open, remind, close) this replica claimed, and what became of them "
            "(retried: a failed close claimed again after its back-off).",
            ["act", "outcome"],
            registry=self.registry,
        )
        for act in Act:
            for outcome in ("claimed", "sent", "late", "missed", "failed", RETRIED):
                self._acts.labels(act=act.value, outcome=outcome)
        self._scrubs = Counter(
            "tryghed_open_store_scrubs",
            "Scrubs of the open-round store after a close (PostgreSQL): done, retried later "
            "(an older snapshot was open), or failed after every retry (logged at ERROR).",
            ["outcome"],
            registry=self.registry,
        )
        for outcome in ("done", "retried", "failed"):
            self._scrubs.labels(outcome=outcome)
        self._overdue = Gauge(
            "tryghed_rounds_overdue",
            "Open rounds more than a few minutes past their deadline (their close has not "
            "succeeded), as of this replica's last scheduler sync.",
            registry=self.registry,
        )

    def heard(self, happened: Happened) -> None:
        """Count what the pulse service did."""
        if happened is Happened.ANSWERS_RECORDED:
            self._answers.inc()
        elif happened is Happened.ROUND_OPENED:
            self._opened.inc()
        elif happened is Happened.ROUND_CLOSED:
            self._closed.inc()

    def act(self, act: Act, outcome: Outcome) -> None:
        """Count a scheduled act this replica claimed (or claimed again, to retry it)."""
        if outcome is Outcome.RETRIED:
            self._acts.labels(act=act.value, outcome=RETRIED).inc()
            return
        self._acts.labels(act=act.value, outcome="claimed").inc()
        for name in ACT_OUTCOMES.get(outcome, ()):
            self._acts.labels(act=act.value, outcome=name).inc()

    def scrub(self, outcome: str) -> None:
        """Count a scrub of the open-round store: done, retried or failed."""
        self._scrubs.labels(outcome=outcome).inc()

    def rounds_overdue(self, count: int) -> None:
        """Set how many open rounds are past their deadline (the scheduler's sync tells)."""
        self._overdue.set(count)

    def chat_call(self, platform: str, status: int | str) -> None:
        """Count one attempt at a chat API call."""
        self._chat_calls.labels(platform=platform, status=str(status)).inc()

    def chat_failure(self, platform: str) -> None:
        """Count a chat API call given up on."""
        self._chat_failures.labels(platform=platform).inc()

    def trace(self, platform: str) -> aiohttp.TraceConfig:
        """An aiohttp client trace that counts every request of a chat API client session."""
        config = aiohttp.TraceConfig()

        async def ended(
            _session: aiohttp.ClientSession,
            _context: SimpleNamespace,
            params: aiohttp.TraceRequestEndParams,
        ) -> None:
            self.chat_call(platform, params.response.status)

        async def failed(
            _session: aiohttp.ClientSession,
            _context: SimpleNamespace,
            params: aiohttp.TraceRequestExceptionParams,
        ) -> None:
            timeout = isinstance(params.exception, asyncio.TimeoutError)
            self.chat_call(platform, "timeout" if timeout else "connection")

        config.on_request_end.append(ended)
        config.on_request_exception.append(failed)
        return config

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Count and time every request by its route's pattern."""
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else UNMATCHED
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as error:
            status = error.status
            raise
        finally:
            self._latency.labels(route=route).observe(time.perf_counter() - started)
            self._requests.labels(route=route, method=request.method, status=str(status)).inc()

    async def endpoint(self, _request: web.Request) -> web.Response:
        """`GET /metrics`: the Prometheus text format."""
        response = web.Response(body=generate_latest(self.registry))
        response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
        response.charset = "utf-8"
        return response
