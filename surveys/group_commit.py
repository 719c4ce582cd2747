"""Group commit: what arrives while one batch is being stored goes into the next, so that a
burst costs one transaction per batch instead of one per item (each caller still gets its
own result or error)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# One batch's items in, one result or exception per item out, in the same order.
Store = Callable[[Sequence[Item]], Awaitable[Sequence[Result | Exception]]]

# Enough to empty any burst in a few batches; bounds one transaction's size.
BATCH_MOST = 256


class GroupCommit(Generic[Item, Result]):
    """One batch in flight at a time, taking everything that waited meanwhile.

    Nothing waits for a batch to fill: an item that finds no batch in flight is stored at
    once, alone, so the latency of a quiet moment is one transaction's."""

    def __init__(self, store: Store[Item, Result], *, most: int = BATCH_MOST) -> None:
        self._store = store
        self._most = most
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._draining: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        """Store `item` with whatever else is waiting; its own result, or its own error.

        Cancelled before its batch starts, the item is left out; cancelled later, it may
        still be stored (the batch is not undone for one caller)."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._draining is None:
            # A task of its own: a caller that gives up must not cancel the others' batch.
            self._draining = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch = [(i, f) for i, f in self._waiting[: self._most] if not f.done()]
                del self._waiting[: self._most]
                if batch:
                    await self._run(batch)
        except BaseException:
            for _, future in self._waiting:
                future.cancel()
            self._waiting.clear()
            raise
        finally:
            self._draining = None

    async def _run(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        try:
            results = await self._store([item for item, _ in batch])
        except BaseException as error:
            for _, future in batch:
                if future.done():
                    continue
                if isinstance(error, Exception):
                    future.set_exception(error)
                else:  # the drain itself was cancelled (shutting down): so are its waiters
                    future.cancel()
            if not isinstance(error, Exception):
                raise
            return
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
