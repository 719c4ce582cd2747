"""Teams' limits: a few calls in flight per tenant, retries on 412/429/5xx with Retry-After, and
on timeouts only where calling again cannot post twice."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.msteams.sending import Sender, response_status, retry_after_seconds, timed_out


@dataclass
class FakeResponse:
    status_code: int
    headers: dict[str, str] = field(default_factory=dict)


class Refused(Exception):
    """What msrest raises: an error with the HTTP response on it."""

    def __init__(self, status: int, retry_after: str | None = None) -> None:
        super().__init__(status)
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self.response = FakeResponse(status, headers)


class Script:
    """Fails as told, then succeeds; records each attempt."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.attempts = 0

    async def __call__(self) -> str:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        return "sent"


def sender(slept: list[float], **kw: float) -> Sender:
    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    return Sender(sleep=sleep, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [429, 412, 500, 502, 503, 504])
async def test_what_teams_asks_us_to_retry_is_retried(status: int) -> None:
    slept: list[float] = []
    send = Script(Refused(status), Refused(status))
    assert await sender(slept).call("t", send) == "sent"
    assert send.attempts == 3
    assert slept == [0.5, 1.0]


async def test_retry_after_is_honoured_and_capped() -> None:
    slept: list[float] = []
    send = Script(Refused(429, "3"), Refused(429, "3600"))
    s = sender(slept, max_delay=30.0)
    assert await s.call("t", send) == "sent"
    assert slept == [3.0, 30.0]
    assert (s.retries, s.failures) == (2, 0)


@pytest.mark.parametrize("error", [Refused(400), Refused(403), Refused(404), ValueError("x")])
async def test_other_failures_are_not_retried(error: Exception) -> None:
    slept: list[float] = []
    s = sender(slept)
    with pytest.raises(type(error)):
        await s.call("t", Script(error))
    assert slept == []
    assert s.failures == 1


async def test_retries_end() -> None:
    slept: list[float] = []
    s = sender(slept, attempts=3)
    send = Script(*(Refused(429, "0") for _ in range(5)))
    with pytest.raises(Refused):
        await s.call("t", send)
    assert send.attempts == 3
    assert s.failures == 1


async def test_a_few_calls_in_flight_per_tenant() -> None:
    s = Sender(in_flight=2)
    running: dict[str, int] = {"a": 0, "b": 0}
    most: dict[str, int] = {"a": 0, "b": 0}

    def call(tenant: str) -> Script:
        class Counting(Script):
            async def __call__(self) -> str:
                running[tenant] += 1
                most[tenant] = max(most[tenant], running[tenant])
                await asyncio.sleep(0.01)
                running[tenant] -= 1
                return "sent"

        return Counting()

    await asyncio.gather(*(s.call(t, call(t)) for t in ["a"] * 6 + ["b"] * 6))
    assert most == {"a": 2, "b": 2}


def test_retry_after_forms() -> None:
    now = datetime(2026, 3, 2, 8, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("2") == 2.0
    assert retry_after_seconds("0.5") == 0.5
    assert retry_after_seconds("-4") == 0.0
    assert retry_after_seconds("Mon, 02 Mar 2026 08:00:07 GMT", now=now) == 7.0
    assert retry_after_seconds("Mon, 02 Mar 2026 07:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("") is None
    assert retry_after_seconds(None) is None


def test_response_status_of_errors() -> None:
    assert response_status(Refused(429, "1")) == (429, 1.0)
    assert response_status(Refused(502)) == (502, None)
    assert response_status(ValueError("no response")) == (None, None)


class Timeout(OSError):
    """As `requests` names its timeouts (no TimeoutError), which msrest wraps."""


class Wrapped(Exception):
    """What msrest raises for a request that got no answer: ClientRequestError."""

    def __init__(self, inner: BaseException) -> None:
        super().__init__("Error occurred in request.")
        self.inner_exception = inner


@pytest.mark.parametrize("error", [TimeoutError(), Wrapped(Timeout()), Wrapped(ConnectionError())])
async def test_a_repeatable_call_that_got_no_answer_is_tried_again(error: Exception) -> None:
    slept: list[float] = []
    seen: list[int | str] = []
    s = Sender(sleep=_recorder(slept), observe=seen.append)
    send = Script(error)
    assert await s.call("t", send, repeatable=True) == "sent"
    assert send.attempts == 2
    unanswered = "connection" if isinstance(error, Wrapped) and not timed_out(error) else "timeout"
    assert seen == [unanswered, "2xx"]


@pytest.mark.parametrize("error", [TimeoutError(), Wrapped(Timeout())])
async def test_a_new_message_that_got_no_answer_is_not_sent_again(error: Exception) -> None:
    slept: list[float] = []
    seen: list[int | str] = []
    s = Sender(sleep=_recorder(slept), observe=seen.append)
    send = Script(error)
    with pytest.raises(type(error)):
        await s.call("t", send)
    assert send.attempts == 1
    assert seen == ["timeout"]
    assert s.failures == 1


def _recorder(slept: list[float]) -> Callable[[float], Awaitable[None]]:
    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    return sleep
