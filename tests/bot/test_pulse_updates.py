"""The pulse message's update policy: delayed and folded, one in flight, the newest next, the
close last and final; the count shown is the one true when the window ends."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace

import pytest

from bot.memory_chat import MemoryChat
from bot.pulse_updates import PulseUpdates, current_status
from content.schema import ContentPack
from surveys.announcements import PulseStatus, RoundOutcome
from surveys.anonymity import WithheldSummary
from surveys.errors import NotInChannel
from surveys.manual_clock import ManualClock
from surveys.rounds import Round
from surveys.service import PulseService
from surveys.team import ChannelRef, Team, TeamSettings
from surveys.trend import Trend
from tests.builders import T0, a_round, a_team
from tests.fakes.memory import MemoryStorage
from tests.fakes.sleep import FakeSleep, settle


@dataclass
class HeldChat(MemoryChat):
    """MemoryChat whose updates can be held in flight or fail, listing what it shows in order."""

    held: dict[int, asyncio.Event] = field(default_factory=dict)  # by count
    failing: set[int] = field(default_factory=set)  # counts that fail
    sent: list[str] = field(default_factory=list)

    def hold(self, respondents: int) -> asyncio.Event:
        return self.held.setdefault(respondents, asyncio.Event())

    async def update_pulse(self, status: PulseStatus, message_ref: str) -> None:
        if (gate := self.held.get(status.respondents)) is not None:
            await gate.wait()
        if status.respondents in self.failing:
            raise ConnectionError(f"count {status.respondents}")
        await super().update_pulse(status, message_ref)
        self.sent.append(f"{message_ref} count {status.respondents}")

    async def post_outcome(self, outcome: RoundOutcome) -> None:
        await super().post_outcome(outcome)
        self.sent.append(f"{outcome.round.message_ref} closed")


@dataclass
class Pulse:
    """A posted pulse message and its round."""

    team: Team
    round: Round
    ref: str

    def count(self, respondents: int) -> PulseStatus:
        return PulseStatus(team=self.team, round=self.round, respondents=respondents)

    def closed(self) -> RoundOutcome:
        closed = replace(self.round, closed_at=self.round.closes_at, respondents=1)
        return RoundOutcome(
            team=self.team,
            round=closed,
            result=WithheldSummary(
                round_id=closed.id,
                kind=closed.kind,
                closed_at=closed.closes_at,
                respondents=1,
                min_respondents=5,
                channel_size=9,
            ),
            suggestion=None,
            trend=Trend(team_id=self.team.id, points=[], hacks_done=[]),
        )


async def post(chat: MemoryChat) -> Pulse:
    team = a_team()
    round_ = a_round(team)
    ref = await chat.post_pulse(PulseStatus(team=team, round=round_, respondents=0))
    return Pulse(team, replace(round_, message_ref=ref), ref)


# --- without a delay: one in flight, the newest next, the close last --------------------------


async def test_a_burst_folds_into_the_one_in_flight_and_the_newest() -> None:
    chat = HeldChat()
    updates, pulse = PulseUpdates(chat), await post(chat)
    gate = chat.hold(1)
    first = asyncio.create_task(updates.update_pulse(pulse.count(1), pulse.ref))
    await settle()
    for n in (2, 3, 4):
        await updates.update_pulse(pulse.count(n), pulse.ref)  # returns at once: folded
    assert chat.sent == []
    gate.set()
    await first
    assert chat.sent == ["msg-1 count 1", "msg-1 count 4"]


async def test_the_close_comes_last_and_later_counts_are_dropped() -> None:
    chat = HeldChat()
    updates, pulse = PulseUpdates(chat), await post(chat)
    gate = chat.hold(5)
    count = asyncio.create_task(updates.update_pulse(pulse.count(5), pulse.ref))
    await settle()
    # It does not overtake the count in flight (which would then overwrite it): it is next.
    close = asyncio.create_task(updates.post_outcome(pulse.closed()))
    await settle()
    await updates.update_pulse(pulse.count(6), pulse.ref)
    assert chat.sent == []
    gate.set()
    await asyncio.gather(count, close)
    await updates.update_pulse(pulse.count(7), pulse.ref)
    assert chat.sent == ["msg-1 count 5", "msg-1 closed"]
    assert isinstance(chat.shown[pulse.ref], RoundOutcome)


async def test_a_failure_still_sends_the_waiting_count_and_is_raised() -> None:
    chat = HeldChat(failing={1})
    updates, pulse = PulseUpdates(chat), await post(chat)
    gate = chat.hold(1)
    first = asyncio.create_task(updates.update_pulse(pulse.count(1), pulse.ref))
    await settle()
    await updates.update_pulse(pulse.count(2), pulse.ref)
    gate.set()
    with pytest.raises(ConnectionError):
        await first
    assert chat.sent == ["msg-1 count 2"]
    await updates.update_pulse(pulse.count(3), pulse.ref)  # the message is not stuck
    assert chat.sent == ["msg-1 count 2", "msg-1 count 3"]


async def test_the_gateways_failure_to_close_is_raised() -> None:
    chat = HeldChat()
    updates, pulse = PulseUpdates(chat), await post(chat)
    chat.unreachable.add(pulse.team.channel.channel_id)  # the bot was removed meanwhile
    with pytest.raises(NotInChannel):
        await updates.post_outcome(pulse.closed())


async def test_messages_do_not_wait_for_each_other() -> None:
    chat = HeldChat()
    updates, one, two = PulseUpdates(chat), await post(chat), await post(chat)
    gate = chat.hold(1)
    held = asyncio.create_task(updates.update_pulse(one.count(1), one.ref))
    await settle()
    await updates.update_pulse(two.count(2), two.ref)
    assert chat.sent == ["msg-2 count 2"]
    gate.set()
    await held
    assert chat.sent == ["msg-2 count 2", "msg-1 count 1"]


# --- with a delay: a count waits, every answer in the window folds into one update ------------


def delayed(chat: HeldChat) -> tuple[PulseUpdates, FakeSleep]:
    sleep = FakeSleep()
    return PulseUpdates(chat, delay=15.0, sleep=sleep), sleep


async def test_counts_wait_for_the_delay_and_fold_into_the_newest() -> None:
    chat = HeldChat()
    (updates, sleep), pulse = delayed(chat), await post(chat)
    for n in (1, 2, 3):
        await updates.update_pulse(pulse.count(n), pulse.ref)  # returns at once
    await settle()
    assert chat.sent == []
    assert sleep.asked == [15.0]  # one window: later answers do not push it back
    await sleep.wake()
    assert chat.sent == ["msg-1 count 3"]
    await updates.update_pulse(pulse.count(4), pulse.ref)
    await settle()
    assert sleep.asked == [15.0, 15.0]  # a new window for the next answer
    await sleep.wake()
    assert chat.sent == ["msg-1 count 3", "msg-1 count 4"]


async def test_the_close_goes_at_once_and_no_count_follows_it() -> None:
    chat = HeldChat()
    (updates, sleep), pulse = delayed(chat), await post(chat)
    await updates.update_pulse(pulse.count(5), pulse.ref)
    await updates.post_outcome(pulse.closed())
    assert chat.sent == ["msg-1 closed"]  # the close does not wait for the window
    await updates.update_pulse(pulse.count(6), pulse.ref)
    await sleep.wake()
    await updates.idle()
    assert chat.sent == ["msg-1 closed"]
    assert sleep.asked == []  # the window was cancelled, and the late count opened none


async def test_a_count_due_while_another_is_in_flight_goes_after_it() -> None:
    chat = HeldChat()
    (updates, sleep), pulse = delayed(chat), await post(chat)
    gate = chat.hold(1)
    await updates.update_pulse(pulse.count(1), pulse.ref)
    await sleep.wake()  # count 1 is now in flight, held
    await updates.update_pulse(pulse.count(2), pulse.ref)
    await updates.update_pulse(pulse.count(3), pulse.ref)
    await sleep.wake()  # count 3's window is over while count 1 is still in flight
    assert chat.sent == []
    gate.set()
    await settle()
    assert chat.sent == ["msg-1 count 1", "msg-1 count 3"]


async def test_the_close_waits_for_a_count_in_flight_then_ends_it() -> None:
    chat = HeldChat()
    (updates, sleep), pulse = delayed(chat), await post(chat)
    gate = chat.hold(1)
    await updates.update_pulse(pulse.count(1), pulse.ref)
    await sleep.wake()
    close = asyncio.create_task(updates.post_outcome(pulse.closed()))
    await settle()
    await updates.update_pulse(pulse.count(2), pulse.ref)
    assert chat.sent == []
    gate.set()
    await close
    await updates.idle()
    assert chat.sent == ["msg-1 count 1", "msg-1 closed"]


async def test_a_failed_delayed_count_is_logged_and_the_message_is_not_stuck(
    caplog: pytest.LogCaptureFixture,
) -> None:
    chat = HeldChat(failing={1})
    (updates, sleep), pulse = delayed(chat), await post(chat)
    await updates.update_pulse(pulse.count(1), pulse.ref)
    await sleep.wake()
    assert "could not update a pulse message's participation count" in caplog.text
    await updates.update_pulse(pulse.count(2), pulse.ref)
    await sleep.wake()
    assert chat.sent == ["msg-1 count 2"]


async def test_messages_have_windows_of_their_own() -> None:
    chat = HeldChat()
    (updates, sleep), one, two = delayed(chat), await post(chat), await post(chat)
    await updates.update_pulse(one.count(1), one.ref)
    await updates.update_pulse(two.count(2), two.ref)
    await updates.post_outcome(two.closed())
    await sleep.wake()
    assert chat.sent == ["msg-2 closed", "msg-1 count 1"]


async def test_close_drops_the_counts_still_waiting() -> None:
    chat = HeldChat()
    (updates, sleep), pulse = delayed(chat), await post(chat)
    await updates.update_pulse(pulse.count(1), pulse.ref)
    await settle()
    await updates.close()
    await sleep.wake()
    await updates.idle()
    assert chat.sent == []


# --- the count shown is the one true when the window ends ------------------------------------


async def test_the_count_shown_is_read_when_the_window_ends() -> None:
    chat, sleep, now = HeldChat(), FakeSleep(), dict[str, PulseStatus]()
    pulse = await post(chat)

    async def current(round_id: str) -> PulseStatus | None:
        return now.get(round_id)

    updates = PulseUpdates(chat, delay=15.0, current=current, sleep=sleep)
    for n in (1, 2, 3):
        await updates.update_pulse(pulse.count(n), pulse.ref)
    now[pulse.round.id] = pulse.count(4)
    await sleep.wake()
    assert chat.sent == ["msg-1 count 4"]


async def test_a_round_closed_elsewhere_during_the_window_is_never_reopened() -> None:
    chat, sleep = HeldChat(), FakeSleep()
    pulse = await post(chat)
    closed = replace(pulse.round, closed_at=pulse.round.closes_at, respondents=1)

    async def current(round_id: str) -> PulseStatus | None:
        # Another replica closed the round before the window ended.
        return PulseStatus(team=pulse.team, round=closed, respondents=1)

    updates = PulseUpdates(chat, delay=15.0, current=current, sleep=sleep)
    await updates.update_pulse(pulse.count(1), pulse.ref)
    await sleep.wake()
    await updates.idle()
    assert chat.sent == []


async def test_the_current_status_is_the_services_and_none_once_the_round_is_gone(
    content: ContentPack,
) -> None:
    service = PulseService(
        unit_of_work=MemoryStorage(),
        clock=ManualClock(T0),
        chat=MemoryChat(members=["U1", "U2"]),
        content=content,
        secret_key=b"k" * 32,
    )
    team = await service.set_up_team(ChannelRef("slack", "T1", "C1"), TeamSettings())
    round_ = await service.open_round(team.id)
    await service.submit(round_.id, user_id="U1", answers=dict.fromkeys(round_.statement_ids, 4))
    current = current_status(service)
    status = await current(round_.id)
    assert status is not None
    assert (status.round.id, status.respondents) == (round_.id, 1)
    assert await current("no-such-round") is None
