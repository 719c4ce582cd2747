"""Updates of one message: one in flight, the newest waiting one next, the final one last."""

from __future__ import annotations

import asyncio

import pytest

from bot.slack.updates import MessageUpdates, Update


class Recorder:
    """Updates that record their order and can be held in flight."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.gates: dict[str, asyncio.Event] = {}

    def update(self, name: str, *, hold: bool = False, fail: bool = False) -> Update:
        gate = self.gates.setdefault(name, asyncio.Event())
        if not hold:
            gate.set()

        async def send() -> None:
            await gate.wait()
            if fail:
                raise ConnectionError(name)
            self.sent.append(name)

        return send


async def test_a_burst_folds_into_the_one_in_flight_and_the_newest() -> None:
    updates, recorder = MessageUpdates(), Recorder()
    first = asyncio.create_task(updates.send("m", recorder.update("count 1", hold=True)))
    await asyncio.sleep(0)
    for n in (2, 3, 4):
        await updates.send("m", recorder.update(f"count {n}"))  # returns at once: folded
    assert recorder.sent == []
    recorder.gates["count 1"].set()
    await first
    assert recorder.sent == ["count 1", "count 4"]


async def test_the_final_update_comes_last_and_stale_counts_are_dropped() -> None:
    updates, recorder = MessageUpdates(), Recorder()
    count = asyncio.create_task(updates.send("m", recorder.update("count 5", hold=True)))
    await asyncio.sleep(0)
    await updates.send("m", recorder.update("closed"), final=True)
    await updates.send("m", recorder.update("count 6 (late)"))
    recorder.gates["count 5"].set()
    await count
    await updates.send("m", recorder.update("count 7 (later)"))
    assert recorder.sent == ["count 5", "closed"]


async def test_a_failure_still_sends_the_waiting_update_and_is_raised() -> None:
    updates, recorder = MessageUpdates(), Recorder()
    first = asyncio.create_task(updates.send("m", recorder.update("a", hold=True, fail=True)))
    await asyncio.sleep(0)
    await updates.send("m", recorder.update("b"))
    recorder.gates["a"].set()
    with pytest.raises(ConnectionError):
        await first
    assert recorder.sent == ["b"]
    await updates.send("m", recorder.update("c"))  # the message is not stuck
    assert recorder.sent == ["b", "c"]


async def test_messages_do_not_wait_for_each_other() -> None:
    updates, recorder = MessageUpdates(), Recorder()
    held = asyncio.create_task(updates.send("m1", recorder.update("m1", hold=True)))
    await asyncio.sleep(0)
    await updates.send("m2", recorder.update("m2"))
    assert recorder.sent == ["m2"]
    recorder.gates["m1"].set()
    await held
    assert recorder.sent == ["m2", "m1"]
