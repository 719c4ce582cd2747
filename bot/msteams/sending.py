"""Calls to the Bot Framework connector within Teams' limits: a few at a time, retried politely."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# Throttled (429), "precondition failed" while Teams catches up (412), the service failing or
# unavailable for a moment (500, 503) and gateway trouble (502, 504). A 5xx means the call was
# not carried out, so trying again posts nothing twice.
RETRY_STATUSES = frozenset({412, 429, 500, 502, 503, 504})
ATTEMPTS = 4
FIRST_DELAY = 0.5
MAX_DELAY = 30.0
# Teams allows about 50 requests a second per app and tenant, and fewer per conversation.
IN_FLIGHT_PER_TENANT = 4

Sleep = Callable[[float], Awaitable[None]]


class Sender:
    """Runs connector calls, at most a few per tenant at once, retrying what Teams asks us to."""

    def __init__(
        self,
        *,
        in_flight: int = IN_FLIGHT_PER_TENANT,
        attempts: int = ATTEMPTS,
        first_delay: float = FIRST_DELAY,
        max_delay: float = MAX_DELAY,
        sleep: Sleep = asyncio.sleep,
        observe: Callable[[int | str], None] | None = None,
    ) -> None:
        self._in_flight = in_flight
        self._attempts = attempts
        self._first_delay = first_delay
        self._max_delay = max_delay
        self._sleep = sleep
        # Told each attempt's status: botbuilder hides a success's code, so those are "2xx".
        self._observe = observe or (lambda _status: None)
        self._gates: dict[str, asyncio.Semaphore] = {}
        self.retries = 0
        self.failures = 0

    async def call(
        self, tenant_id: str, send: Callable[[], Awaitable[T]], *, repeatable: bool = False
    ) -> T:
        """`send()`, retried on 412/429/5xx with backoff, honouring Retry-After; a call that got
        no answer (timed out, connection lost) only if it is `repeatable`: a new message that
        may have arrived all the same must not be posted twice."""
        gate = self._gates.setdefault(tenant_id, asyncio.Semaphore(self._in_flight))
        # The slot is held while waiting to retry: a throttled tenant should slow down.
        async with gate:
            attempt = 1
            while True:
                try:
                    result = await send()
                except Exception as error:
                    status, retry_after = response_status(error)
                    unanswered = "timeout" if timed_out(error) else "connection"
                    self._observe(status if status is not None else unanswered)
                    retry = status in RETRY_STATUSES or (status is None and repeatable)
                    if not retry or attempt >= self._attempts:
                        self.failures += 1
                        raise
                    delay = self._first_delay * 2 ** (attempt - 1)
                    delay = min(retry_after if retry_after is not None else delay, self._max_delay)
                    self.retries += 1
                    log.warning(
                        "Teams answered %s; trying again in %.1f s (attempt %d of %d)",
                        status or unanswered,
                        delay,
                        attempt + 1,
                        self._attempts,
                    )
                    await self._sleep(delay)
                    attempt += 1
                else:
                    self._observe("2xx")
                    return result


def timed_out(error: BaseException) -> bool:
    """Whether a failed call ran out of time. msrest sends with `requests` and wraps its
    errors (ClientRequestError.inner_exception), whose timeouts are no TimeoutError."""
    seen: object = error
    for _ in range(5):
        if not isinstance(seen, BaseException):
            return False
        if isinstance(seen, TimeoutError) or any(
            cls.__name__ == "Timeout" for cls in type(seen).__mro__
        ):
            return True
        inner = getattr(seen, "inner_exception", None)
        seen = inner if isinstance(inner, BaseException) else seen.__cause__ or seen.__context__
    return False


def response_status(error: BaseException) -> tuple[int | None, float | None]:
    """The HTTP status and Retry-After (seconds) of a failed connector call, if it had any."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    if not isinstance(status, int):
        return None, None
    headers = getattr(response, "headers", None)
    header = headers.get("Retry-After") if isinstance(headers, Mapping) else None
    return status, retry_after_seconds(header)


def retry_after_seconds(value: object, *, now: datetime | None = None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds from now."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
