"""A database that goes away for a moment: the next few transactions fail to commit."""

from __future__ import annotations

from types import TracebackType
from typing import Any, cast

from surveys.ports import UnitOfWork, UnitOfWorkFactory


class Blips:
    """Wraps a storage. While `failing` is above zero, each commit raises (so its transaction
    is rolled back, as when the connection drops) and counts it down; `failed` counts them."""

    def __init__(self, storage: UnitOfWorkFactory) -> None:
        self._storage = storage
        self.failing = 0
        self.failed = 0

    def __call__(self) -> UnitOfWork:
        return cast("UnitOfWork", _BlippingWork(self._storage(), self))


class _BlippingWork:
    """One unit of work of the wrapped storage, but for its commit."""

    def __init__(self, inner: UnitOfWork, blips: Blips) -> None:
        self._inner = inner
        self._blips = blips

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def __aenter__(self) -> _BlippingWork:
        await self._inner.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._inner.__aexit__(exc_type, exc, tb)

    async def commit(self) -> None:
        if self._blips.failing > 0:
            self._blips.failing -= 1
            self._blips.failed += 1
            raise ConnectionResetError("the database went away")
        await self._inner.commit()
