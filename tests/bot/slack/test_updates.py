"""Updates of one message: delayed and folded, one in flight, the newest next, the final last."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from app.settings import SettingsError, load_settings
from bot.slack.chat import SlackChat
from bot.slack.clients import SlackClients
from bot.slack.updates import MessageUpdates, Update
from content.loader import default_pack
from surveys.announcements import PulseStatus
from tests.bot.slack.conftest import FACILITATOR, PEOPLE
from tests.bot.slack.harness import CHANNEL, block_text, running_slack, until
from tests.bot.slack.test_loop import answer, button, set_up, start_pulse
from tests.builders import a_round, a_team
from tests.fakes.slack_api import FakeSlackApi


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


# --- the delay: a count waits, every answer in the window folds into one update ---------------


class FakeSleep:
    """`asyncio.sleep` under the test's control: every sleeper waits until `wake`."""

    def __init__(self) -> None:
        self.asked: list[float] = []
        self._sleepers: list[asyncio.Future[None]] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append(future)
        await future

    async def wake(self) -> None:
        """The delay is over for every window open now; let them run."""
        await settle()  # windows just opened reach their sleep
        sleepers, self._sleepers = self._sleepers, []
        for future in sleepers:
            if not future.done():
                future.set_result(None)
        await settle()


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


def delayed() -> tuple[MessageUpdates, Recorder, FakeSleep]:
    sleep = FakeSleep()
    return MessageUpdates(delay=15.0, sleep=sleep), Recorder(), sleep


async def test_counts_wait_for_the_delay_and_fold_into_the_newest() -> None:
    updates, recorder, sleep = delayed()
    for n in (1, 2, 3):
        await updates.send("m", recorder.update(f"count {n}"))  # returns at once
    await settle()
    assert recorder.sent == []
    assert sleep.asked == [15.0]  # one window: later answers do not push it back
    await sleep.wake()
    assert recorder.sent == ["count 3"]
    await updates.send("m", recorder.update("count 4"))
    await settle()
    assert recorder.sent == ["count 3"]
    assert sleep.asked == [15.0, 15.0]  # a new window for the next answer
    await sleep.wake()
    assert recorder.sent == ["count 3", "count 4"]


async def test_closed_goes_at_once_and_no_count_follows_it() -> None:
    updates, recorder, sleep = delayed()
    await updates.send("m", recorder.update("count 5"))
    await updates.send("m", recorder.update("closed"), final=True)
    assert recorder.sent == ["closed"]  # the close does not wait for the window
    await updates.send("m", recorder.update("count 6 (late)"))
    await sleep.wake()
    await updates.idle()
    assert recorder.sent == ["closed"]
    assert sleep.asked == []  # the window was cancelled, and the late count opened none


async def test_a_count_due_while_another_is_in_flight_goes_after_it() -> None:
    updates, recorder, sleep = delayed()
    await updates.send("m", recorder.update("count 1", hold=True))
    await sleep.wake()  # count 1 is now in flight, held
    await updates.send("m", recorder.update("count 2"))
    await updates.send("m", recorder.update("count 3"))
    await sleep.wake()  # count 3's window is over while count 1 is still in flight
    assert recorder.sent == []
    recorder.gates["count 1"].set()
    await settle()
    assert recorder.sent == ["count 1", "count 3"]


async def test_the_final_update_waits_for_a_count_in_flight_then_ends_it() -> None:
    updates, recorder, sleep = delayed()
    await updates.send("m", recorder.update("count 1", hold=True))
    await sleep.wake()
    # It does not overtake the count in flight (which would then overwrite it): it is next.
    await updates.send("m", recorder.update("closed"), final=True)
    await updates.send("m", recorder.update("count 2 (late)"))
    assert recorder.sent == []
    recorder.gates["count 1"].set()
    await settle()
    await updates.idle()
    assert recorder.sent == ["count 1", "closed"]


async def test_a_failed_delayed_count_is_logged_and_the_message_is_not_stuck(
    caplog: pytest.LogCaptureFixture,
) -> None:
    updates, recorder, sleep = delayed()
    await updates.send("m", recorder.update("count 1", fail=True))
    await sleep.wake()
    assert "could not update a pulse message's participation count" in caplog.text
    await updates.send("m", recorder.update("count 2"))
    await sleep.wake()
    assert recorder.sent == ["count 2"]


async def test_messages_have_windows_of_their_own() -> None:
    updates, recorder, sleep = delayed()
    await updates.send("m1", recorder.update("m1 count"))
    await updates.send("m2", recorder.update("m2 count"))
    await updates.send("m2", recorder.update("m2 closed"), final=True)
    await sleep.wake()
    assert recorder.sent == ["m2 closed", "m1 count"]


async def test_close_drops_the_counts_still_waiting() -> None:
    updates, recorder, sleep = delayed()
    await updates.send("m", recorder.update("count 1"))
    await settle()
    await updates.close()
    await sleep.wake()
    await updates.idle()
    assert recorder.sent == []


# --- on Slack: the count shown is the one true when the window ends ----------------------------


@dataclass
class Gateway:
    api: FakeSlackApi
    chat: SlackChat
    sleep: FakeSleep
    now: dict[str, PulseStatus]


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    """The Slack gateway with a 15 s count delay on a clock the test moves."""
    async with FakeSlackApi() as api:
        clients = SlackClients(
            base_url=api.url, bot_token="xoxb-test", installation_store=None, trace=None
        )
        sleep, now = FakeSleep(), dict[str, PulseStatus]()

        async def current(round_id: str) -> PulseStatus | None:
            return now.get(round_id)

        chat = SlackChat(clients, default_pack(), update_delay=15.0, current=current, sleep=sleep)
        yield Gateway(api, chat, sleep, now)
        await chat.close()
        await clients.close()


async def test_slack_shows_the_count_once_a_window_with_the_count_of_that_moment(
    gateway: Gateway,
) -> None:
    team = a_team(channel="C1", language="en")
    round_ = a_round(team)
    ts = await gateway.chat.post_pulse(PulseStatus(team=team, round=round_, respondents=0))
    for n in (1, 2, 3):
        await gateway.chat.update_pulse(PulseStatus(team=team, round=round_, respondents=n), ts)
    await settle()
    assert gateway.api.calls_to("chat.update") == []
    gateway.now[round_.id] = PulseStatus(team=team, round=round_, respondents=4)
    await gateway.sleep.wake()
    await until(lambda: bool(gateway.api.calls_to("chat.update", ok_only=True)))
    (update,) = gateway.api.calls_to("chat.update")
    assert "4 of 9 have answered" in block_text(update.args["blocks"])


async def test_slack_never_reopens_a_round_that_closed_during_the_window(
    gateway: Gateway,
) -> None:
    team = a_team(channel="C1", language="en")
    round_ = a_round(team)
    ts = await gateway.chat.post_pulse(PulseStatus(team=team, round=round_, respondents=0))
    await gateway.chat.update_pulse(PulseStatus(team=team, round=round_, respondents=1), ts)
    # Another replica closes the round before the window ends.
    closed = replace(round_, closed_at=round_.closes_at, respondents=1)
    gateway.now[round_.id] = PulseStatus(team=team, round=closed, respondents=1)
    await gateway.sleep.wake()
    await gateway.chat.close()
    assert gateway.api.calls_to("chat.update") == []


def test_the_slack_count_delay_is_15_seconds_unless_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.delenv("TRYGHED_SLACK_COUNT_DELAY", raising=False)
    assert load_settings().slack_count_delay == 15.0 == load_settings().teams_count_delay
    monkeypatch.setenv("TRYGHED_SLACK_COUNT_DELAY", "2.5")
    assert load_settings().slack_count_delay == 2.5
    monkeypatch.setenv("TRYGHED_SLACK_COUNT_DELAY", "-1")
    with pytest.raises(SettingsError, match="TRYGHED_SLACK_COUNT_DELAY"):
        load_settings()


async def test_answers_on_slack_show_no_count_until_the_window_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Wired from the setting: with a window far longer than the test, answers move nothing;
    # the close shows "closed" at once, and the waiting count is dropped, never sent.
    async with running_slack(tmp_path, monkeypatch, TRYGHED_SLACK_COUNT_DELAY="600") as slack:
        slack.api.channel_members[CHANNEL] = [*PEOPLE, "UBOT"]
        await set_up(slack)
        message = await start_pulse(slack)
        round_id = button(message.args, "tryghed_answer")["value"]
        for person in PEOPLE[1:6]:  # not the facilitator, who does not make up k
            await answer(slack, round_id, person, value=4)
        await settle()
        assert slack.api.calls_to("chat.update") == []
        slack.clock.advance(hours=1)  # a round may be closed by hand after an hour
        await slack.command("close", user=FACILITATOR)
        await until(lambda: bool(slack.api.calls_to("chat.update", ok_only=True)))
        (closed,) = slack.api.calls_to("chat.update")
        assert "This round has closed" in block_text(closed.args["blocks"])
        assert "5 of 9 have answered" in block_text(closed.args["blocks"])
    assert len(slack.api.calls_to("chat.update")) == 1
