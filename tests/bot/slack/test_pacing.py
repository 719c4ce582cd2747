"""Web API calls paced to Slack's published limits: a second between posts to one channel, a
cap on a workspace's posts in any second, each other method by its tier a minute; on a clock
that spends no real time. A 429 is still retried, in the turn the call was given."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from itertools import pairwise

import pytest

from bot.slack.clients import SlackClients
from bot.slack.pacing import PRUNE_FROM, Pacer
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.virtual_time import VirtualTime
from tests.fakes.waits import Waits

ANSWER = 0.02  # how long Slack takes to answer, in the clock's seconds
POST = "chat.postMessage"


async def _calls(
    time: VirtualTime, pacer: Pacer, calls: list[tuple[str, str, str | None]]
) -> list[float]:
    """When each (workspace, method, channel) call went out, all asked for at once."""
    started = [0.0] * len(calls)

    async def call(n: int, workspace: str, method: str, channel: str | None) -> None:
        async with pacer.turn(workspace, method, channel):
            started[n] = time()
            await time.sleep(ANSWER)

    await time.run(asyncio.gather(*(call(n, *c) for n, c in enumerate(calls))))
    return started


@pytest.fixture
def time() -> VirtualTime:
    return VirtualTime()


async def test_posts_to_one_channel_go_a_second_apart(time: VirtualTime) -> None:
    pacer = Pacer(clock=time, sleep=time.sleep)
    started = await _calls(time, pacer, [("T1", POST, "C1")] * 5)
    gaps = [later - earlier for earlier, later in pairwise(started)]
    # A second from each answer: never sooner, and no later either.
    assert gaps == [pytest.approx(1.0 + ANSWER)] * 4


async def test_a_workspace_never_posts_more_than_its_cap_in_any_second(
    time: VirtualTime,
) -> None:
    pacer = Pacer(posts_per_second=20, clock=time, sleep=time.sleep)
    started = sorted(await _calls(time, pacer, [("T1", POST, f"C{n}") for n in range(100)]))
    assert all(started[n + 20] - started[n] >= 1.0 for n in range(80))
    # The cap is used whole: twenty at once, then twenty a second after their answers.
    assert started[:20] == [0.0] * 20
    assert started[-1] == pytest.approx(4 * (1.0 + ANSWER))


async def test_workspaces_do_not_wait_for_each_other(time: VirtualTime) -> None:
    pacer = Pacer(posts_per_second=20, clock=time, sleep=time.sleep)
    busy = [("T1", POST, f"C{n}") for n in range(60)]
    started = await _calls(time, pacer, [*busy, ("T2", POST, "C1"), ("T3", POST, "C1")])
    assert started[-2:] == [0.0, 0.0]
    assert max(started[:60]) > 1.0


async def test_only_posts_wait_a_click_is_never_held_back(time: VirtualTime) -> None:
    # Two hundred people opening their forms in one minute: each needs users.info within
    # the 3 s its trigger lives, whatever the posts are doing meanwhile.
    pacer = Pacer(clock=time, sleep=time.sleep)
    posts = [("T1", POST, "C1")] * 3
    clicks = [("T1", "users.info", None)] * 200
    started = await _calls(time, pacer, [*posts, *clicks, ("T1", "conversations.members", None)])
    assert started[3:] == [0.0] * 201
    assert started[2] == pytest.approx(2 * (1.0 + ANSWER))


@pytest.mark.parametrize("gives_up_at", [0.0, 0.5])  # waiting for a place; for its moment
async def test_a_call_given_up_while_waiting_hands_its_turn_on(
    time: VirtualTime, gives_up_at: float
) -> None:
    pacer = Pacer(clock=time, sleep=time.sleep)
    started: dict[str, float] = {}

    async def post(name: str) -> None:
        async with pacer.turn("T1", POST, "C1"):
            started[name] = time()
            await time.sleep(ANSWER)

    async def scene() -> None:
        first = asyncio.ensure_future(post("first"))
        given_up = asyncio.ensure_future(post("given up"))
        last = asyncio.ensure_future(post("last"))
        await time.sleep(gives_up_at)
        given_up.cancel()
        await asyncio.gather(first, last)
        with pytest.raises(asyncio.CancelledError):
            await given_up

    await time.run(scene())
    assert started == {"first": 0.0, "last": pytest.approx(1.0 + ANSWER)}


async def test_a_channel_forgotten_while_idle_is_still_paced(time: VirtualTime) -> None:
    pacer = Pacer(clock=time, sleep=time.sleep)

    async def one_post_a_channel() -> None:
        for n in range(PRUNE_FROM + 10):  # a second apart: every channel idle again
            async with pacer.turn("T1", POST, f"C{n}"):
                await time.sleep(1.0)

    await time.run(one_post_a_channel())
    first, second = await _calls(time, pacer, [("T1", POST, "C0")] * 2)
    assert second - first == pytest.approx(1.0 + ANSWER)


@pytest.fixture
async def api() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as fake:
        yield fake


async def test_a_throttled_post_is_still_retried_in_its_turn(api: FakeSlackApi) -> None:
    waits = Waits()
    clients = SlackClients(
        base_url=api.url, bot_token="xoxb-test", installation_store=None, sleep=waits
    )
    try:
        client = clients.client("xoxb-test")
        api.fail_next(POST, status=429, retry_after=1)
        await client.chat_postMessage(channel="C1", text="first")
        await client.chat_postMessage(channel="C1", text="second")
    finally:
        await clients.close()
    assert [c.status for c in api.calls_to(POST)] == [429, 200, 200]
    throttled, paced = waits.seconds
    assert 1.0 <= throttled <= 1.1  # Retry-After, and a little jitter
    assert 0.0 < paced <= 1.0  # the second post waited for a second after the first's answer
