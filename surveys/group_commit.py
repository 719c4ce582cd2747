"""Group commit: what arrives while one batch is being stored goes into the next, so that a
burst costs one transaction per batch instead of one per item (each caller still gets its
own result or error)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass(frozen=True, slots=True)
class Pending(Generic[Item]):
    """An item in a batch, and whether its caller has stopped waiting for it."""

    item: Item
    future: asyncio.Future[Any]

    @property
    def given_up(self) -> bool:
        """The caller gave up (its platform's deadline passed, it was told to try again): a
        store that can still leave the item out should, so that what it was told holds."""
        return self.future.cancelled()


# One batch in, one result or exception per item out, in the same order (a given-up item's
# is dropped).
Store = Callable[[Sequence[Pending[Item]]], Awaitable[Sequence[Result | Exception]]]

# Enough to empty any burst in a few batches; bounds one transaction's size.
BATCH_MOST = 256


class GroupCommit(Generic[Item, Result]):
    """Up to `flights` batches in flight at a time, each taking everything that waited.

    Nothing waits for a batch to fill: an item that finds a flight free is stored at once,
    so the latency of a quiet moment is one transaction's. More than one flight lets a
    database that serves writers side by side (PostgreSQL) work on the next batch while one
    waits for its round trips; SQLite has one writer, so one flight."""

    def __init__(
        self, store: Store[Item, Result], *, most: int = BATCH_MOST, flights: int = 1
    ) -> None:
        self._store = store
        self._most = most
        self._flights = flights
        self._waiting: list[Pending[Item]] = []
        self._draining: set[asyncio.Task[None]] = set()

    async def submit(self, item: Item) -> Result:
        """Store `item` with whatever else is waiting; its own result, or its own error.

        Cancelled before its batch starts, the item is left out; cancelled later, the store
        may still leave it out (see `Pending.given_up`), or store it (a batch is not undone
        for one caller)."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append(Pending(item, future))
        if len(self._draining) < self._flights:
            # A task of its own: a caller that gives up must not cancel the others' batch.
            self._draining.add(asyncio.create_task(self._drain()))
        return await future

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch = [p for p in self._waiting[: self._most] if not p.given_up]
                del self._waiting[: self._most]
                if batch:
                    await self._run(batch)
        except BaseException:
            for pending in self._waiting:
                pending.future.cancel()
            self._waiting.clear()
            raise
        finally:
            # Here, not in a done callback (that runs later): a caller arriving right after
            # the queue ran empty must find this flight free.
            self._draining.discard(cast(asyncio.Task[None], asyncio.current_task()))

    async def _run(self, batch: list[Pending[Item]]) -> None:
        try:
            results = await self._store(batch)
        except BaseException as error:
            for pending in batch:
                if pending.future.done():
                    continue
                if isinstance(error, Exception):
                    pending.future.set_exception(error)
                else:  # the drain itself was cancelled (shutting down): so are its waiters
                    pending.future.cancel()
            if not isinstance(error, Exception):
                raise
            return
        for pending, result in zip(batch, results, strict=True):
            if pending.future.done():
                continue
            if isinstance(result, Exception):
                pending.future.set_exception(result)
            else:
                pending.future.set_result(result)
