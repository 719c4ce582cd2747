"""Group commit: what waits during a batch is stored in the next, each with its own outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from surveys.group_commit import GroupCommit, Pending


class Store:
    """Records each batch; holds a batch until released, and fails items named "bad"."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.release = asyncio.Event()
        self.release.set()
        self.broken = False
        self.started = asyncio.Event()  # a batch has reached the store

    async def __call__(self, batch: Sequence[Pending[str]]) -> list[str | Exception]:
        items = [pending.item for pending in batch]
        self.batches.append(items)
        self.started.set()
        await self.release.wait()
        if self.broken:
            raise ConnectionError("database away")
        return [ValueError(item) if item == "bad" else item.upper() for item in items]


async def test_an_item_alone_is_stored_at_once_alone() -> None:
    store = Store()
    group = GroupCommit(store)
    assert await group.submit("a") == "A"
    assert await group.submit("b") == "B"
    assert store.batches == [["a"], ["b"]]


async def test_what_arrives_during_a_batch_goes_into_the_next_one_together() -> None:
    store = Store()
    store.release.clear()
    group = GroupCommit(store)
    first = asyncio.ensure_future(group.submit("a"))
    await store.started.wait()
    later = [asyncio.ensure_future(group.submit(x)) for x in ("b", "bad", "c")]
    store.release.set()
    assert await first == "A"
    assert await later[0] == "B"
    with pytest.raises(ValueError, match="bad"):
        await later[1]
    assert await later[2] == "C"
    assert store.batches == [["a"], ["b", "bad", "c"]]


async def test_a_batch_is_never_larger_than_its_most() -> None:
    store = Store()
    store.release.clear()
    group = GroupCommit(store, most=2)
    waiting = [asyncio.ensure_future(group.submit(x)) for x in "abcde"]
    await store.started.wait()
    store.release.set()
    assert await asyncio.gather(*waiting) == list("ABCDE")
    assert store.batches == [["a", "b"], ["c", "d"], ["e"]]


async def test_a_failed_batch_fails_each_of_its_items_and_the_next_batch_still_runs() -> None:
    store = Store()
    store.broken = True
    group = GroupCommit(store)
    results = await asyncio.gather(group.submit("a"), group.submit("b"), return_exceptions=True)
    assert [type(r) for r in results] == [ConnectionError, ConnectionError]
    store.broken = False
    assert await group.submit("c") == "C"


async def test_an_item_given_up_before_its_batch_starts_is_left_out() -> None:
    store = Store()
    store.release.clear()
    group = GroupCommit(store)
    first = asyncio.ensure_future(group.submit("a"))
    await store.started.wait()
    given_up = asyncio.ensure_future(group.submit("b"))
    kept = asyncio.ensure_future(group.submit("c"))
    await asyncio.sleep(0)
    given_up.cancel()
    store.release.set()
    assert (await first, await kept) == ("A", "C")
    assert given_up.cancelled()
    assert store.batches == [["a"], ["c"]]


async def test_a_caller_giving_up_mid_batch_does_not_cancel_the_others() -> None:
    store = Store()
    store.release.clear()
    group = GroupCommit(store)
    impatient = asyncio.ensure_future(group.submit("a"))
    patient = asyncio.ensure_future(group.submit("b"))
    await store.started.wait()
    impatient.cancel()
    store.release.set()
    assert await patient == "B"
    assert store.batches == [["a", "b"]]


async def test_with_two_flights_the_next_batch_starts_while_one_waits() -> None:
    store = Store()
    store.release.clear()
    group = GroupCommit(store, flights=2)
    first = asyncio.ensure_future(group.submit("a"))
    await store.started.wait()
    store.started.clear()
    second = asyncio.ensure_future(group.submit("b"))
    await store.started.wait()  # the second flight took it, the first still waiting
    third = [asyncio.ensure_future(group.submit(x)) for x in "cd"]
    await asyncio.sleep(0)
    assert store.batches == [["a"], ["b"]]
    store.release.set()
    assert await asyncio.gather(first, second, *third) == list("ABCD")
    assert sorted(map(sorted, store.batches)) == [["a"], ["b"], ["c", "d"]]


async def test_the_store_sees_who_gave_up_while_their_batch_ran() -> None:
    seen: list[bool] = []
    release = asyncio.Event()

    async def store(batch: Sequence[Pending[str]]) -> list[str | Exception]:
        await release.wait()
        seen.extend(pending.given_up for pending in batch)
        return [pending.item for pending in batch]

    group: GroupCommit[str, str] = GroupCommit(store)
    impatient = asyncio.ensure_future(group.submit("a"))
    patient = asyncio.ensure_future(group.submit("b"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    impatient.cancel()
    release.set()
    assert await patient == "b"
    assert seen == [True, False]
