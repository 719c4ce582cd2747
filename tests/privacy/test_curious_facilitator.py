"""Attacks a curious facilitator can try with the bot's own commands (issue 11, items 5, 7, 8).

Each test plays the attack that worked before and shows what stops it now; they run on
memory, SQLite and PostgreSQL through PulseService, the layer every platform calls.
"""

from __future__ import annotations

import pytest

from bot.memory_chat import MemoryChat
from content.schema import ContentPack
from storage.open_store import TABLES as OPEN_TABLES
from storage.unit_of_work import SqlStorage
from surveys.anonymity import RoundSummary, WithheldSummary
from surveys.errors import AnswersLost, CloseTooEarly, NotAMember, RoundClosed
from surveys.manual_clock import ManualClock
from surveys.ports import UnitOfWorkFactory
from surveys.service import EARLIEST_CLOSE, PulseService
from surveys.team import ChannelRef, TeamSettings
from tests.builders import T0
from tests.fakes.memory import MemoryStorage

CHANNEL = ChannelRef(platform="slack", workspace_id="T1", channel_id="C1")
FACILITATOR = "FACILITATOR"
MEMBERS = [FACILITATOR, "M1", "M2", "M3", "M4", "M5"]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def chat() -> MemoryChat:
    return MemoryChat(members=list(MEMBERS))


@pytest.fixture
def service(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, content: ContentPack
) -> PulseService:
    return PulseService(
        unit_of_work=storage, clock=clock, chat=chat, content=content, secret_key=b"k" * 32
    )


def _settings(k: int) -> TeamSettings:
    return TeamSettings(min_respondents=k, facilitators=frozenset({FACILITATOR}))


async def _answer(service: PulseService, round_id: str, person: str, value: int) -> None:
    round_ = await service.open_round_of((await service.status(round_id)).team.id)
    answers = dict.fromkeys(round_.statement_ids, value)
    await service.submit(round_id, user_id=person, answers=answers)


async def test_lowering_k_after_a_round_never_publishes_it(
    service: PulseService, clock: ManualClock
) -> None:
    """Item 5: a round closed with 3 answers under k = 5, then k set to 3."""
    team = await service.set_up_team(CHANNEL, _settings(5))
    round_ = await service.open_round(team.id)
    for person, value in (("M1", 1), ("M2", 2), ("M3", 5)):
        await _answer(service, round_.id, person, value)
    clock.advance(hours=72)
    assert isinstance((await service.close_round(round_.id)).result, WithheldSummary)
    await service.set_up_team(CHANNEL, _settings(3))
    assert isinstance(await service.result(round_.id), WithheldSummary)
    trend = await service.trend(team.id)
    assert all(isinstance(point.result, WithheldSummary) for point in trend.points)
    # The next round, asked under k = 3, shows, and is compared with nothing withheld.
    clock.advance(days=4)
    following = await service.open_round(team.id)
    for person in ("M1", "M2", "M3"):
        await _answer(service, following.id, person, 4)
    clock.advance(hours=72)
    shown = (await service.close_round(following.id)).result
    assert isinstance(shown, RoundSummary)
    assert all(pillar.change is None for pillar in shown.pillars.values())


async def test_raising_k_later_withholds_rounds_shown_before(
    service: PulseService, clock: ManualClock
) -> None:
    team = await service.set_up_team(CHANNEL, _settings(3))
    round_ = await service.open_round(team.id)
    for person in ("M1", "M2", "M3"):
        await _answer(service, round_.id, person, 3)
    clock.advance(hours=72)
    assert isinstance((await service.close_round(round_.id)).result, RoundSummary)
    await service.set_up_team(CHANNEL, _settings(4))
    assert isinstance(await service.result(round_.id), WithheldSummary)


async def test_an_outsider_cannot_answer_or_make_up_k(
    service: PulseService, clock: ManualClock
) -> None:
    """Item 7: anyone who could press Answer used to count (a public channel is the whole
    workspace), so a facilitator plus outsiders could isolate a lone member."""
    team = await service.set_up_team(CHANNEL, _settings(3))
    round_ = await service.open_round(team.id)
    with pytest.raises(NotAMember):
        await _answer(service, round_.id, "OUTSIDER", 1)
    assert (await service.status(round_.id)).respondents == 0


async def test_the_facilitators_own_answer_does_not_make_up_k(
    service: PulseService, clock: ManualClock
) -> None:
    """Item 7: facilitator + two members reached k = 3, and the facilitator, knowing their
    own answer, could subtract it (with one accomplice, isolate the third person)."""
    team = await service.set_up_team(CHANNEL, _settings(3))
    round_ = await service.open_round(team.id)
    for person, value in ((FACILITATOR, 5), ("M1", 5), ("M2", 1)):
        await _answer(service, round_.id, person, value)
    assert (await service.status(round_.id)).respondents == 3
    clock.advance(hours=72)
    outcome = await service.close_round(round_.id)
    assert isinstance(outcome.result, WithheldSummary)
    # One more member, and the three who are not the facilitator make k.
    clock.advance(days=4)
    following = await service.open_round(team.id)
    for person in (FACILITATOR, "M1", "M2", "M3"):
        await _answer(service, following.id, person, 4)
    clock.advance(hours=72)
    assert isinstance((await service.close_round(following.id)).result, RoundSummary)


async def test_a_member_who_joins_after_the_pulse_waits_for_the_next(
    service: PulseService, chat: MemoryChat, clock: ManualClock
) -> None:
    team = await service.set_up_team(CHANNEL, _settings(3))
    round_ = await service.open_round(team.id)
    chat.members.append("NEWCOMER")
    with pytest.raises(NotAMember):
        await _answer(service, round_.id, "NEWCOMER", 3)
    clock.advance(hours=72)
    await service.close_round(round_.id)
    following = await service.open_round(team.id)
    await _answer(service, following.id, "NEWCOMER", 3)


async def test_answers_after_the_deadline_are_refused(
    service: PulseService, clock: ManualClock
) -> None:
    """Item 8: a round whose close failed kept counting answers long after its deadline."""
    team = await service.set_up_team(CHANNEL, _settings(3))
    round_ = await service.open_round(team.id)
    clock.set(round_.closes_at)
    with pytest.raises(RoundClosed):
        await _answer(service, round_.id, "M1", 3)


async def test_a_person_cannot_close_right_after_someone_answered(
    service: PulseService, clock: ManualClock
) -> None:
    """Item 7: watching the count move, a facilitator could close right after one person."""
    team = await service.set_up_team(CHANNEL, _settings(3))
    round_ = await service.open_round(team.id)
    for person in ("M1", "M2", "M3"):
        await _answer(service, round_.id, person, 3)
    with pytest.raises(CloseTooEarly):
        await service.close_round(round_.id, early=True)
    clock.advance(seconds=EARLIEST_CLOSE.total_seconds())
    assert isinstance((await service.close_round(round_.id, early=True)).result, RoundSummary)


async def test_a_lost_open_round_store_asks_again_and_counts_nobody_twice(
    service: PulseService, storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock
) -> None:
    """A database crash empties the open-round store: the answers are lost, not exposed."""
    team = await service.set_up_team(CHANNEL, _settings(3))
    round_ = await service.open_round(team.id)
    for person in ("M1", "M2"):
        await _answer(service, round_.id, person, 2)
    await _lose_open_store(storage, round_.id)
    with pytest.raises(AnswersLost):
        await _answer(service, round_.id, "M3", 3)
    clock.advance(minutes=5)
    assert await service.recover_lost_rounds() == 1
    assert await service.recover_lost_rounds() == 0
    status = await service.status(round_.id)
    assert status.respondents == 0
    assert status.round.restarted_at == clock.now()
    assert chat.updates[-1] == ("msg-1", 0)
    for person in ("M1", "M2", "M3"):
        await _answer(service, round_.id, person, 4)
    clock.advance(hours=72)
    result = (await service.close_round(round_.id)).result
    assert isinstance(result, RoundSummary)
    assert result.respondents == 3
    assert {pillar.score.answers for pillar in result.pillars.values()} == {3}


async def _lose_open_store(storage: UnitOfWorkFactory, round_id: str) -> None:
    """What a PostgreSQL crash does to UNLOGGED tables (or a damaged SQLite side file)."""
    if isinstance(storage, MemoryStorage):
        state = storage.state
        state.salts.pop(round_id)
        state.participation.pop(round_id, None)
        state.open_counts = {k: v for k, v in state.open_counts.items() if k[0] != round_id}
        return
    assert isinstance(storage, SqlStorage)
    async with storage.engine.begin() as connection:
        for table in OPEN_TABLES:
            await connection.execute(table.delete())
