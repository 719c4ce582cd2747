"""Scheduled acts on every storage: on time, late, skipped, after a restart, and only once
(a failed close: once more after each back-off, until it is done)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from scheduler.acts import RETRY_MOST, Acts, Outcome, Rules
from scheduler.lanes import Lanes
from surveys.announcements import PulseStatus, RoundOutcome
from surveys.claims import Act, ClaimStatus
from surveys.errors import TryghedError
from surveys.manual_clock import ManualClock
from surveys.ports import UnitOfWorkFactory
from surveys.rounds import Round, RoundKind
from surveys.schedule import QuietHours
from surveys.service import PulseService
from surveys.team import ChannelRef, Team, TeamSettings
from tests.scheduler.blips import Blips

MEMBERS = [f"U{i}" for i in range(1, 10)]
SET_UP = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # a Tuesday
MONDAY_NINE = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)  # 09:00 in Copenhagen
GRACE = timedelta(hours=2)


class Replica:
    """One running service: its own service object and acts, on the shared storage."""

    def __init__(
        self,
        storage: UnitOfWorkFactory,
        chat: MemoryChat,
        clock: ManualClock,
        *,
        service: type[PulseService] = PulseService,
    ) -> None:
        # The service's own transactions can be made to fail; the claims' never do.
        self.blips = Blips(storage)
        self.service = service(
            unit_of_work=self.blips,
            clock=clock,
            chat=chat,
            content=default_pack(),
            secret_key=b"k" * 32,
        )
        self.acts = Acts(
            service=self.service,
            unit_of_work=storage,
            clock=clock,
            rules=Rules(grace=GRACE, barometer_months=3, quiet=QuietHours()),
            observe=lambda act, outcome: self.observed.append((act, outcome)),
        )
        self.observed: list[tuple[Act, Outcome]] = []

    def closes(self) -> list[Outcome]:
        """What this replica's closes came to, as /metrics is told."""
        return [outcome for act, outcome in self.observed if act is Act.CLOSE]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(SET_UP)


@pytest.fixture
def chat() -> MemoryChat:
    return MemoryChat(members=list(MEMBERS))


@pytest.fixture
async def team(storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock) -> Team:
    replica = Replica(storage, chat, clock)
    return await replica.service.set_up_team(
        ChannelRef("slack", "T1", "C1"),
        TeamSettings(weekday=0, local_time=time(9, 0), timezone="Europe/Copenhagen"),
    )


async def _claim(
    storage: UnitOfWorkFactory, team: Team, act: Act, slot: datetime
) -> ClaimStatus | None:
    async with storage() as uow:
        return await uow.claims.status(team.id, act, slot)


async def test_nothing_is_due_before_the_first_slot(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    clock.set(MONDAY_NINE - timedelta(minutes=1))
    outcomes = await Replica(storage, chat, clock).acts.catch_up()
    assert outcomes == {f"open:{team.id}": Outcome.NOT_DUE}
    assert chat.pulses == []


async def test_the_open_happens_once_at_its_slot(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    replica = Replica(storage, chat, clock)
    clock.set(MONDAY_NINE + timedelta(seconds=3))
    assert (await replica.acts.catch_up())[f"open:{team.id}"] is Outcome.DONE
    assert (await replica.acts.catch_up())[f"open:{team.id}"] is Outcome.TAKEN
    assert len(chat.pulses) == 1
    # The team's first round takes the temperature: the full barometer.
    assert chat.pulses[0].round.kind is RoundKind.BAROMETER
    assert await _claim(storage, team, Act.OPEN, MONDAY_NINE) is ClaimStatus.SENT


async def test_a_missed_open_within_the_grace_period_happens_late_once(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    clock.set(MONDAY_NINE + GRACE - timedelta(minutes=1))
    first = Replica(storage, chat, clock)
    assert (await first.acts.catch_up())[f"open:{team.id}"] is Outcome.LATE
    restarted = Replica(storage, chat, clock)
    assert (await restarted.acts.catch_up())[f"open:{team.id}"] is Outcome.TAKEN
    assert len(chat.pulses) == 1


async def test_an_open_missed_beyond_the_grace_period_is_skipped(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    clock.set(MONDAY_NINE + GRACE + timedelta(minutes=1))
    replica = Replica(storage, chat, clock)
    assert (await replica.acts.catch_up())[f"open:{team.id}"] is Outcome.SKIPPED
    assert chat.pulses == []
    assert await _claim(storage, team, Act.OPEN, MONDAY_NINE) is ClaimStatus.SKIPPED
    # Next week's slot is on time again.
    clock.set(MONDAY_NINE + timedelta(days=7))
    assert (await replica.acts.catch_up())[f"open:{team.id}"] is Outcome.DONE


async def test_a_restart_mid_round_still_closes_on_time_once(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    clock.set(MONDAY_NINE)
    before = Replica(storage, chat, clock)
    await before.acts.catch_up()
    round_ = await before.service.open_round_of(team.id)
    for member in MEMBERS[:5]:
        await before.service.submit(
            round_.id, user_id=member, answers=dict.fromkeys(round_.statement_ids, 3)
        )
    # The process dies; a new one starts just after the deadline.
    clock.set(round_.closes_at + timedelta(seconds=10))
    after = Replica(storage, chat, clock)
    outcomes = await after.acts.catch_up()
    assert outcomes[f"close:{round_.id}"] is Outcome.DONE
    assert len(chat.outcomes) == 1
    assert chat.outcomes[0].result.respondents == 5
    again = await Replica(storage, chat, clock).acts.catch_up()
    assert f"close:{round_.id}" not in again
    assert len(chat.outcomes) == 1


async def test_a_close_is_done_even_when_very_late(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    clock.set(MONDAY_NINE)
    replica = Replica(storage, chat, clock)
    await replica.acts.catch_up()
    round_ = await replica.service.open_round_of(team.id)
    clock.set(round_.closes_at + GRACE * 5)
    assert (await replica.acts.catch_up())[f"close:{round_.id}"] is Outcome.LATE
    assert len(chat.outcomes) == 1


async def test_the_reminder_goes_once_at_its_moment(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    clock.set(MONDAY_NINE)
    replica = Replica(storage, chat, clock)
    await replica.acts.catch_up()
    round_ = await replica.service.open_round_of(team.id)
    await replica.service.submit(
        round_.id, user_id="U1", answers=dict.fromkeys(round_.statement_ids, 4)
    )
    # Monday 09:00 + 36 h is Tuesday 21:00: the reminder waits for Wednesday 09:00.
    clock.set(MONDAY_NINE + timedelta(hours=36))
    assert (await replica.acts.catch_up())[f"remind:{round_.id}"] is Outcome.NOT_DUE
    clock.set(MONDAY_NINE + timedelta(hours=48))
    assert (await replica.acts.catch_up())[f"remind:{round_.id}"] is Outcome.DONE
    assert sorted(user for user, _ in chat.notes) == MEMBERS[1:]
    assert (await replica.acts.catch_up()).get(f"remind:{round_.id}") is Outcome.NOT_DUE
    assert len(chat.notes) == len(MEMBERS) - 1


async def test_a_paused_team_gets_nothing(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    replica = Replica(storage, chat, clock)
    await replica.service.set_paused(team.id, paused=True)
    clock.set(MONDAY_NINE)
    assert (await replica.acts.catch_up())[f"open:{team.id}"] is Outcome.NOT_DUE
    assert chat.pulses == []


async def test_a_round_already_open_by_hand_skips_the_scheduled_open(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    replica = Replica(storage, chat, clock)
    clock.set(MONDAY_NINE - timedelta(hours=1))
    await replica.service.open_round(team.id)
    clock.set(MONDAY_NINE)
    assert (await replica.acts.catch_up())[f"open:{team.id}"] is Outcome.SKIPPED
    assert len(chat.pulses) == 1


async def test_a_team_whose_schedule_changed_since_it_was_read_is_not_opened_by_the_old_one(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    # The scheduler opens with the team as its latest sync read it; another replica moved
    # the team to Tuesdays meanwhile.
    other = Replica(storage, chat, clock)
    await other.service.set_up_team(
        team.channel,
        TeamSettings(weekday=1, local_time=time(9, 0), timezone="Europe/Copenhagen"),
    )
    clock.set(MONDAY_NINE + timedelta(seconds=3))
    assert await Replica(storage, chat, clock).acts.open_due(team) is Outcome.SKIPPED
    assert chat.pulses == []
    assert await _claim(storage, team, Act.OPEN, MONDAY_NINE) is ClaimStatus.SKIPPED


class _Broken(MemoryChat):
    async def post_pulse(self, status: PulseStatus) -> str:
        raise ConnectionError("the chat platform is down")


async def test_a_failed_open_is_never_retried(
    storage: UnitOfWorkFactory, clock: ManualClock, team: Team
) -> None:
    chat = _Broken(members=list(MEMBERS))
    replica = Replica(storage, chat, clock)
    clock.set(MONDAY_NINE)
    assert (await replica.acts.catch_up())[f"open:{team.id}"] is Outcome.FAILED
    assert (await replica.acts.catch_up())[f"open:{team.id}"] is Outcome.TAKEN
    # Not after a close's back-off either: at most once, so never posted twice.
    clock.set(MONDAY_NINE + RETRY_MOST + timedelta(minutes=1))
    assert (await replica.acts.catch_up())[f"open:{team.id}"] is Outcome.TAKEN
    assert await _claim(storage, team, Act.OPEN, MONDAY_NINE) is ClaimStatus.FAILED
    assert Outcome.RETRIED not in {outcome for _, outcome in replica.observed}


async def _open_with_answers(replica: Replica, clock: ManualClock, team: Team) -> Round:
    clock.set(MONDAY_NINE)
    await replica.acts.catch_up()
    round_ = await replica.service.open_round_of(team.id)
    for member in MEMBERS[:5]:
        await replica.service.submit(
            round_.id, user_id=member, answers=dict.fromkeys(round_.statement_ids, 3)
        )
    return round_


async def test_a_close_that_fails_once_is_retried_after_its_back_off(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    replica = Replica(storage, chat, clock)
    round_ = await _open_with_answers(replica, clock, team)
    key = f"close:{round_.id}"
    # The database goes away as the round closes: its close transaction does not commit.
    replica.blips.failing = 1
    clock.set(round_.closes_at)
    assert (await replica.acts.catch_up())[key] is Outcome.FAILED
    assert replica.blips.failed == 1
    assert chat.outcomes == []
    assert await _claim(storage, team, Act.CLOSE, round_.closes_at) is ClaimStatus.FAILED
    assert (await replica.service.open_round_of(team.id)).id == round_.id
    # The back-off: a minute.
    clock.set(round_.closes_at + timedelta(seconds=59))
    assert (await replica.acts.catch_up())[key] is Outcome.TAKEN
    clock.set(round_.closes_at + timedelta(minutes=1, seconds=1))
    assert (await replica.acts.catch_up())[key] is Outcome.LATE
    assert len(chat.outcomes) == 1
    assert chat.outcomes[0].result.respondents == 5
    assert await _claim(storage, team, Act.CLOSE, round_.closes_at) is ClaimStatus.SENT
    # Done: the round is no longer open, and nothing is tried again.
    clock.set(clock.now() + RETRY_MOST * 2)
    assert key not in await replica.acts.catch_up()
    assert len(chat.outcomes) == 1
    assert replica.closes() == [Outcome.FAILED, Outcome.RETRIED, Outcome.LATE]


async def test_a_close_that_keeps_failing_backs_off_until_it_is_done(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    replica = Replica(storage, chat, clock)
    round_ = await _open_with_answers(replica, clock, team)
    key = f"close:{round_.id}"
    replica.blips.failing = 4
    # Each try waits as long as the close was late when it last failed: 1, 1, 2, 4 minutes.
    tries = [timedelta(seconds=s) for s in (0, 61, 123, 247, 495)]
    waited_out = [timedelta(seconds=s) for s in (60, 122, 246, 494)]
    clock.set(round_.closes_at)
    assert (await replica.acts.catch_up())[key] is Outcome.FAILED
    for then, ready in zip(tries[1:], waited_out, strict=True):
        clock.set(round_.closes_at + ready)
        assert (await replica.acts.catch_up())[key] is Outcome.TAKEN
        clock.set(round_.closes_at + then)
        expected = Outcome.FAILED if replica.blips.failing else Outcome.LATE
        assert (await replica.acts.catch_up())[key] is expected
    assert replica.blips.failed == 4
    assert len(chat.outcomes) == 1
    assert replica.closes().count(Outcome.RETRIED) == 4


async def test_two_replicas_retry_a_failed_close_once(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    if type(storage).__name__ == "MemoryStorage":
        pytest.skip("the in-memory fake is not transactional across tasks")
    replicas = [Replica(storage, chat, clock) for _ in range(2)]
    round_ = await _open_with_answers(replicas[0], clock, team)
    key = f"close:{round_.id}"
    for replica in replicas:
        replica.blips.failing = 1
    clock.set(round_.closes_at)
    first = await asyncio.gather(*(r.acts.catch_up() for r in replicas))
    assert sorted(o[key] for o in first) == sorted([Outcome.FAILED, Outcome.TAKEN])
    # Either could have won the claim, so both were set to fail; the database is back.
    for replica in replicas:
        replica.blips.failing = 0
    clock.set(round_.closes_at + timedelta(minutes=2))
    again = await asyncio.gather(*(r.acts.catch_up() for r in replicas))
    assert sorted(o[key] for o in again) == sorted([Outcome.LATE, Outcome.TAKEN])
    assert sum(r.closes().count(Outcome.RETRIED) for r in replicas) == 1
    assert len(chat.outcomes) == 1
    assert await _claim(storage, team, Act.CLOSE, round_.closes_at) is ClaimStatus.SENT


class _SummaryLost(MemoryChat):
    """Loses the first summary it is given (after the round was closed)."""

    lost: RoundOutcome | None = None

    async def post_outcome(self, outcome: RoundOutcome) -> None:
        if self.lost is None:
            self.lost = outcome
            raise ConnectionError("the chat platform is down")
        await super().post_outcome(outcome)


async def test_a_summary_that_failed_after_the_close_is_never_posted_twice(
    storage: UnitOfWorkFactory, clock: ManualClock, team: Team
) -> None:
    chat = _SummaryLost(members=list(MEMBERS))
    replica = Replica(storage, chat, clock)
    round_ = await _open_with_answers(replica, clock, team)
    clock.set(round_.closes_at)
    assert (await replica.acts.catch_up())[f"close:{round_.id}"] is Outcome.FAILED
    # The round did close (its transaction committed); only the post failed. A post may
    # have reached the channel before its answer was lost, so it is never made again.
    clock.set(round_.closes_at + RETRY_MOST * 2)
    assert f"close:{round_.id}" not in await replica.acts.catch_up()
    assert chat.outcomes == []


async def test_a_close_retried_after_the_round_was_closed_is_done_without_a_second_summary(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    replica = Replica(storage, chat, clock)
    round_ = await _open_with_answers(replica, clock, team)
    replica.blips.failing = 1
    clock.set(round_.closes_at)
    assert await replica.acts.close_due(round_) is Outcome.FAILED
    # Closed by hand meanwhile (or by a try whose answer was lost); this replica still
    # holds the round as open.
    await replica.service.close_round(round_.id)
    clock.set(round_.closes_at + timedelta(minutes=2))
    assert await replica.acts.close_due(round_) is Outcome.LATE
    assert len(chat.outcomes) == 1
    assert await _claim(storage, team, Act.CLOSE, round_.closes_at) is ClaimStatus.SENT


class _RefusesOnce(PulseService):
    refused = False

    async def close_round(self, round_id: str, *, early: bool = False) -> RoundOutcome:
        if not _RefusesOnce.refused:
            _RefusesOnce.refused = True
            raise TryghedError()
        return await super().close_round(round_id, early=early)


async def test_a_close_refused_once_is_tried_again_not_skipped(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    _RefusesOnce.refused = False
    replica = Replica(storage, chat, clock, service=_RefusesOnce)
    round_ = await _open_with_answers(replica, clock, team)
    clock.set(round_.closes_at)
    assert await replica.acts.close_due(round_) is Outcome.FAILED
    clock.set(round_.closes_at + timedelta(minutes=2))
    assert await replica.acts.close_due(round_) is Outcome.LATE
    assert len(chat.outcomes) == 1


async def test_replicas_racing_act_once(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    if type(storage).__name__ == "MemoryStorage":
        pytest.skip("the in-memory fake is not transactional across tasks")
    replicas = [Replica(storage, chat, clock) for _ in range(3)]
    clock.set(MONDAY_NINE)
    opens = await asyncio.gather(*(r.acts.catch_up() for r in replicas))
    assert sorted(o[f"open:{team.id}"] for o in opens) == sorted(
        [Outcome.DONE, Outcome.TAKEN, Outcome.TAKEN]
    )
    round_ = await replicas[0].service.open_round_of(team.id)
    clock.set(round_.closes_at)
    closes = await asyncio.gather(*(r.acts.catch_up() for r in replicas))
    assert sorted(c.get(f"close:{round_.id}", Outcome.TAKEN) for c in closes) == sorted(
        [Outcome.DONE, Outcome.TAKEN, Outcome.TAKEN]
    )
    assert len(chat.pulses) == 1
    assert len(chat.outcomes) == 1


async def test_a_close_whose_claimer_died_is_taken_over_once(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, team: Team
) -> None:
    clock.set(MONDAY_NINE)
    replica = Replica(storage, chat, clock)
    await replica.acts.catch_up()
    round_ = await replica.service.open_round_of(team.id)
    # A replica claimed the close and died before closing the round.
    async with storage() as uow:
        await uow.claims.claim(team.id, Act.CLOSE, round_.closes_at, at=round_.closes_at)
        await uow.commit()
    clock.set(round_.closes_at + timedelta(minutes=5))
    assert (await replica.acts.catch_up())[f"close:{round_.id}"] is Outcome.TAKEN
    clock.set(round_.closes_at + timedelta(minutes=11))
    assert (await replica.acts.catch_up())[f"close:{round_.id}"] is Outcome.LATE
    assert len(chat.outcomes) == 1
    assert await _claim(storage, team, Act.CLOSE, round_.closes_at) is ClaimStatus.SENT


class GatedChat(MemoryChat):
    """Holds every open at the members' list until the test lets one of a workspace through,
    counting the opens under way."""

    def __init__(self) -> None:
        super().__init__(members=list(MEMBERS))
        self.passes: dict[str, asyncio.Semaphore] = {}
        self.changed = asyncio.Condition()
        self.arrived: set[str] = set()
        self.held: Counter[str] = Counter()
        self.most: Counter[str] = Counter()
        self.most_in_all = 0

    async def channel_members(self, team: Team) -> list[str]:
        workspace = team.channel.workspace_id
        gate = self.passes.setdefault(workspace, asyncio.Semaphore(0))
        async with self.changed:
            self.arrived.add(team.id)
            self.held[workspace] += 1
            self.most[workspace] = max(self.most[workspace], self.held[workspace])
            self.most_in_all = max(self.most_in_all, self.held.total())
            self.changed.notify_all()
        await gate.acquire()
        return list(self.members)

    async def until(self, check: Callable[[], bool]) -> None:
        """Wait until `check()` holds (looked at again after each arrival)."""
        async with self.changed:
            await self.changed.wait_for(check)

    def let_through(self, workspace: str) -> None:
        """Let one held open of `workspace` go on."""
        self.held[workspace] -= 1
        self.passes[workspace].release()


async def test_teams_due_together_open_side_by_side_each_once(
    storage: UnitOfWorkFactory, clock: ManualClock
) -> None:
    chat = GatedChat()
    replica = Replica(storage, chat, clock)
    settings = TeamSettings(weekday=0, local_time=time(9, 0), timezone="Europe/Copenhagen")
    teams = [
        await replica.service.set_up_team(ChannelRef("slack", f"T{n % 2}", f"C{n}"), settings)
        for n in range(8)
    ]
    workspace_of = {team.id: team.channel.workspace_id for team in teams}
    clock.set(MONDAY_NINE)
    catching_up = asyncio.create_task(replica.acts.catch_up(Lanes(per_workspace=3, total=5)))

    def still_to_come() -> list[str]:
        return [workspace_of[id_] for id_ in workspace_of if id_ not in chat.arrived]

    def no_lane_free() -> bool:
        """Lanes as they should be let no further open start until a held one goes on."""
        coming = still_to_come()
        full = chat.held.total() >= 5 or all(chat.held[w] >= 3 for w in coming)
        return not coming or full

    async with asyncio.timeout(30):  # only against a hang: a busy machine is slow
        # One through each time no lane is free (from the workspace the next one waits for):
        # five side by side in all, or a fourth in a workspace, would be counted on arrival.
        while still_to_come():
            await chat.until(no_lane_free)
            coming = still_to_come()
            if coming:
                blocked = [w for w in coming if chat.held[w] >= 3]
                chat.let_through(blocked[0] if blocked else next(iter(+chat.held)))
        for workspace, held in list(chat.held.items()):
            for _ in range(held):
                chat.let_through(workspace)
        outcomes = await catching_up
    # Side by side, not one by one: up to three per workspace, five in all.
    assert chat.most_in_all == 5
    assert max(chat.most.values()) == 3
    assert {outcomes[f"open:{team.id}"] for team in teams} == {Outcome.DONE}
    assert len(chat.pulses) == len(teams)
    again = await replica.acts.catch_up(Lanes())
    assert {again[f"open:{team.id}"] for team in teams} == {Outcome.TAKEN}
