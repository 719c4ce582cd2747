"""Lanes: acts side by side, bounded per workspace and in all; nothing runs once closed."""

from __future__ import annotations

import asyncio
from functools import partial

from scheduler.lanes import Lanes


class Gauge:
    """Counts acts running at once (per workspace and in all) while they wait for `go`."""

    def __init__(self) -> None:
        self.go = asyncio.Event()
        self.now: dict[str, int] = {}
        self.most: dict[str, int] = {}
        self.total = 0
        self.most_total = 0

    async def act(self, workspace: str) -> str:
        self.now[workspace] = self.now.get(workspace, 0) + 1
        self.total += 1
        self.most[workspace] = max(self.most.get(workspace, 0), self.now[workspace])
        self.most_total = max(self.most_total, self.total)
        await self.go.wait()
        self.now[workspace] -= 1
        self.total -= 1
        return workspace


async def _settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


async def test_acts_run_side_by_side_up_to_the_bounds() -> None:
    lanes = Lanes(per_workspace=3, total=5)
    gauge = Gauge()
    runs = [
        asyncio.create_task(lanes.run(workspace, partial(gauge.act, workspace)))
        for workspace in ["A"] * 6 + ["B"] * 6
    ]
    await _settle()
    assert gauge.most_total == 5
    assert max(gauge.most.values()) == 3
    gauge.go.set()
    assert sorted(str(done) for done in await asyncio.gather(*runs)) == ["A"] * 6 + ["B"] * 6


async def test_one_busy_workspace_leaves_room_for_the_others() -> None:
    lanes = Lanes(per_workspace=2, total=10)
    gauge = Gauge()
    runs = [asyncio.create_task(lanes.run("A", lambda: gauge.act("A"))) for _ in range(8)]
    runs.append(asyncio.create_task(lanes.run("B", lambda: gauge.act("B"))))
    await _settle()
    assert gauge.most == {"A": 2, "B": 1}
    gauge.go.set()
    await asyncio.gather(*runs)


async def test_closed_lanes_drop_the_acts_still_waiting() -> None:
    lanes = Lanes(per_workspace=1, total=1)
    gauge = Gauge()
    first = asyncio.create_task(lanes.run("A", lambda: gauge.act("A")))
    waiting = asyncio.create_task(lanes.run("A", lambda: gauge.act("A")))
    await _settle()
    lanes.close()
    gauge.go.set()
    assert await first == "A"  # already under way: it finishes
    assert await waiting is None  # never started
    assert gauge.most_total == 1
