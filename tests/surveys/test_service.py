"""PulseService end to end on every storage: set up, open, submit, remind, close, trend, hacks."""

from __future__ import annotations

import asyncio
from datetime import time

import pytest

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from content.schema import ContentPack, PillarKey
from surveys.announcements import Notice, PulseStatus
from surveys.anonymity import RoundSummary, WithheldSummary
from surveys.errors import (
    AlreadyAnswered,
    InvalidAnswers,
    NoOpenRound,
    NotAMember,
    NotInChannel,
    RoundAlreadyOpen,
    RoundClosed,
    RoundNotFound,
    RoundOfAnotherTeam,
    TeamNotSetUp,
    TeamPaused,
    UnknownHack,
)
from surveys.events import Happened
from surveys.hack_choice import HackReason
from surveys.hack_effect import helped_hack
from surveys.manual_clock import ManualClock
from surveys.ports import UnitOfWorkFactory
from surveys.rounds import RoundKind
from surveys.service import PulseService
from surveys.team import ChannelRef, Origin, TeamSettings
from tests.builders import T0

MEMBERS = [f"U{i}" for i in range(1, 10)]
CHANNEL = ChannelRef(platform="slack", workspace_id="T1", channel_id="C1")


@pytest.fixture
def chat() -> MemoryChat:
    return MemoryChat(members=list(MEMBERS))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def service(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, content: ContentPack
) -> PulseService:
    return PulseService(
        unit_of_work=storage, clock=clock, chat=chat, content=content, secret_key=b"k" * 32
    )


async def _answer_all(
    service: PulseService, round_id: str, statements: tuple[str, ...], people: list[str], value: int
) -> None:
    """Everyone feels `value`: they answer it, and its mirror on reverse-keyed statements (and
    `value` to whether a done hack helped)."""
    bank = default_pack()
    answers = {
        s: 6 - value if helped_hack(s) is None and bank.statement(s).reverse else value
        for s in statements
    }
    for person in people:
        status = await service.submit(round_id, user_id=person, answers=answers)
        await service.show_participation(status)


async def test_set_up_then_change_a_team(service: PulseService) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings(), name="Platform")
    again = await service.set_up_team(CHANNEL, TeamSettings(local_time=time(10, 30), language="en"))
    assert again.id == team.id
    assert again.name == "Platform"
    assert again.settings.local_time == time(10, 30)
    assert await service.team_in(CHANNEL) == again
    assert await service.team(team.id) == again
    with pytest.raises(TeamNotSetUp):
        await service.team_in(ChannelRef("slack", "T1", "elsewhere"))
    with pytest.raises(TeamNotSetUp):
        await service.team("nope")


async def test_a_whole_round(
    service: PulseService, chat: MemoryChat, clock: ManualClock, content: ContentPack
) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings())
    round_ = await service.open_round(team.id)
    assert round_.channel_size == len(MEMBERS)
    assert round_.message_ref == "msg-1"
    assert chat.pulses[0].respondents == 0
    assert len(round_.statement_ids) == 4
    assert (await service.open_round_of(team.id)).id == round_.id

    await _answer_all(service, round_.id, round_.statement_ids, MEMBERS[:6], value=4)
    assert [count for _, count in chat.updates] == [1, 2, 3, 4, 5, 6]
    assert (await service.status(round_.id)).respondents == 6

    clock.advance(hours=72)
    outcome = await service.close_round(round_.id)
    assert chat.outcomes == [outcome]
    assert isinstance(outcome.result, RoundSummary)
    assert outcome.result.respondents == 6
    assert outcome.result.channel_size == 9
    assert {k: p.score.score for k, p in outcome.result.pillars.items()} == dict.fromkeys(
        PillarKey, 75.0
    )
    assert outcome.round.closed_at == clock.now()
    assert await service.result(round_.id) == outcome.result
    with pytest.raises(NoOpenRound):
        await service.open_round_of(team.id)


async def test_one_person_counts_once(service: PulseService) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings())
    round_ = await service.open_round(team.id)
    answers = dict.fromkeys(round_.statement_ids, 3)
    await service.submit(round_.id, user_id="U1", answers=answers)
    with pytest.raises(AlreadyAnswered):
        await service.submit(
            round_.id, user_id="U1", answers=dict.fromkeys(round_.statement_ids, 5)
        )
    assert (await service.status(round_.id)).respondents == 1


async def test_parallel_clicks_count_once(service: PulseService) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings())
    round_ = await service.open_round(team.id)
    answers = dict.fromkeys(round_.statement_ids, 2)
    results = await asyncio.gather(
        *(service.submit(round_.id, user_id="U1", answers=answers) for _ in range(5)),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, AlreadyAnswered) for r in results if isinstance(r, BaseException))
    await service.submit(round_.id, user_id="U2", answers=answers)
    for person in ("U3", "U4", "U5"):
        await service.submit(round_.id, user_id=person, answers=answers)
    outcome = await service.close_round(round_.id)
    assert isinstance(outcome.result, RoundSummary)
    assert outcome.result.respondents == 5
    assert outcome.result.pillars[PillarKey.LEARN].score.answers == 5


async def test_answers_arriving_together_each_get_their_own_outcome(
    service: PulseService,
) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings())
    other = await service.set_up_team(ChannelRef("slack", "T1", "C2"), TeamSettings())
    round_, other_round = await service.open_round(team.id), await service.open_round(other.id)
    good = dict.fromkeys(round_.statement_ids, 4)
    people = MEMBERS[:4]
    # One burst: stored in as few transactions as the group commit makes of it.
    results = await asyncio.gather(
        *(service.submit(round_.id, user_id=p, answers=good) for p in people),
        service.submit(round_.id, user_id=people[0], answers=good),
        service.submit(round_.id, user_id="U-outsider", answers=good),
        service.submit(round_.id, user_id=MEMBERS[5], answers={}),
        service.submit(
            other_round.id, user_id=people[0], answers=good, origin=Origin("slack", "T1", "C1")
        ),
        service.submit("no-such-round", user_id=MEMBERS[6], answers=good),
        return_exceptions=True,
    )
    counted, refused = results[:4], results[4:]
    assert all(isinstance(r, PulseStatus) for r in counted)
    assert sorted(r.respondents for r in counted if isinstance(r, PulseStatus)) == [1, 2, 3, 4]
    assert [type(r) for r in refused] == [
        AlreadyAnswered,
        NotAMember,
        InvalidAnswers,
        RoundOfAnotherTeam,
        RoundNotFound,
    ]
    assert (await service.status(round_.id)).respondents == 4
    assert (await service.status(other_round.id)).respondents == 0


async def test_a_burst_through_several_writers_counts_each_answer_once(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, content: ContentPack
) -> None:
    chat.members = [f"U{n:03d}" for n in range(120)]
    service = PulseService(
        unit_of_work=storage,
        clock=clock,
        chat=chat,
        content=content,
        secret_key=b"k" * 32,
        answer_writers=3,
    )
    team = await service.set_up_team(CHANNEL, TeamSettings())
    round_ = await service.open_round(team.id)
    answers = dict.fromkeys(round_.statement_ids, 4)
    # Everyone once, and the first forty a second time in the same burst.
    people = chat.members + chat.members[:40]
    results = await asyncio.gather(
        *(service.submit(round_.id, user_id=p, answers=answers) for p in people),
        return_exceptions=True,
    )
    assert sum(isinstance(r, PulseStatus) for r in results) == 120
    assert all(isinstance(r, AlreadyAnswered) for r in results if not isinstance(r, PulseStatus))
    outcome = await service.close_round(round_.id)
    assert isinstance(outcome.result, RoundSummary)
    assert outcome.result.respondents == 120
    assert outcome.result.pillars[PillarKey.LEARN].score.answers == 120


async def test_refused_submissions_store_nothing(
    service: PulseService, storage: UnitOfWorkFactory
) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings())
    other = await service.set_up_team(ChannelRef("slack", "T1", "C2"), TeamSettings())
    round_ = await service.open_round(team.id)
    other_round = await service.open_round(other.id)
    good = dict.fromkeys(round_.statement_ids, 4)
    foreign = dict.fromkeys(other_round.statement_ids, 4)
    foreign_statement = {**good, round_.statement_ids[0]: 4}
    foreign_statement.pop(round_.statement_ids[0])
    unasked = next(s.id for s in default_pack().statements if s.id not in round_.statement_ids)
    foreign_statement[unasked] = 4
    for bad in (foreign_statement, {**good, round_.statement_ids[0]: 9}, {}):
        with pytest.raises(InvalidAnswers):
            await service.submit(round_.id, user_id="U1", answers=bad)
    with pytest.raises(RoundNotFound):
        await service.submit("no-such-round", user_id="U1", answers=good)
    if set(foreign) != set(good):
        with pytest.raises(InvalidAnswers):
            await service.submit(round_.id, user_id="U1", answers=foreign)
    assert (await service.status(round_.id)).respondents == 0
    async with storage() as uow:
        histograms = await uow.answers.histograms([round_.id])
    assert histograms == {}  # not a single answer was counted
    # U1 was refused every time, so U1 may still answer.
    await service.submit(round_.id, user_id="U1", answers=good)


async def test_a_closed_round_takes_no_answers(service: PulseService) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings())
    round_ = await service.open_round(team.id)
    await service.close_round(round_.id)
    with pytest.raises(RoundClosed):
        await service.submit(
            round_.id, user_id="U1", answers=dict.fromkeys(round_.statement_ids, 3)
        )
    with pytest.raises(RoundClosed):
        await service.close_round(round_.id)


async def test_one_open_round_and_no_rounds_while_paused(service: PulseService) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings())
    await service.open_round(team.id)
    with pytest.raises(RoundAlreadyOpen):
        await service.open_round(team.id)
    paused = await service.set_paused(team.id, paused=True)
    assert paused.paused
    # Reconfiguring keeps the pause.
    assert (await service.set_up_team(CHANNEL, TeamSettings(weekday=2))).paused
    await service.close_round((await service.open_round_of(team.id)).id)
    with pytest.raises(TeamPaused):
        await service.open_round(team.id)
    await service.set_paused(team.id, paused=False)
    await service.open_round(team.id)


async def test_below_k_the_summary_is_withheld(service: PulseService, chat: MemoryChat) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings(min_respondents=5))
    round_ = await service.open_round(team.id)
    await _answer_all(service, round_.id, round_.statement_ids, MEMBERS[:4], value=1)
    outcome = await service.close_round(round_.id)
    assert isinstance(outcome.result, WithheldSummary)
    assert outcome.result.respondents == 4
    # A withheld summary says why and nothing else: no hack either, none logged.
    assert outcome.suggestion is None
    assert outcome.follow_up is None
    assert isinstance(await service.result(round_.id), WithheldSummary)
    assert isinstance(chat.outcomes[0].result, WithheldSummary)


async def test_reminders_go_once_and_only_to_those_who_have_not_answered(
    service: PulseService, chat: MemoryChat
) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings())
    round_ = await service.open_round(team.id)
    await _answer_all(service, round_.id, round_.statement_ids, ["U2", "U5"], value=4)
    assert await service.remind(round_.id) == 7
    assert sorted(user for user, _ in chat.notes) == sorted(set(MEMBERS) - {"U2", "U5"})
    assert all(isinstance(note, Notice) and note.key == "reminder" for _, note in chat.notes)
    assert await service.remind(round_.id) == 0
    assert len(chat.notes) == 7


async def test_no_reminders_when_switched_off_or_closed(
    service: PulseService, chat: MemoryChat
) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings(reminders=False))
    round_ = await service.open_round(team.id)
    assert await service.remind(round_.id) == 0
    await service.set_up_team(CHANNEL, TeamSettings())
    await service.close_round(round_.id)
    assert await service.remind(round_.id) == 0
    assert chat.notes == []


async def test_a_failing_chat_update_does_not_lose_the_answer(
    service: PulseService, chat: MemoryChat
) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings())
    round_ = await service.open_round(team.id)
    chat.fail_updates = True
    status = await service.submit(
        round_.id, user_id="U1", answers=dict.fromkeys(round_.statement_ids, 5)
    )
    await service.show_participation(status)
    assert chat.updates == []
    assert (await service.status(round_.id)).respondents == 1


async def test_the_trend_and_the_hack_story(
    service: PulseService, clock: ManualClock, content: ContentPack
) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings())
    values = [5, 5, 1, 3]  # a barometer, then pulses; round 3 drops sharply
    outcomes = []
    for week, value in enumerate(values):
        clock.advance(days=7)
        kind = RoundKind.BAROMETER if week == 0 else RoundKind.PULSE
        round_ = await service.open_round(team.id, kind=kind)
        await _answer_all(service, round_.id, round_.statement_ids, MEMBERS[:6], value=value)
        clock.advance(days=3)
        outcomes.append(await service.close_round(round_.id))
        if week == 2:
            clock.advance(days=1)
            current = outcomes[-1].suggestion
            assert current is not None
            done = await service.hack_done(team.id, current.hack.id)
    # One hack at a time: suggested once, then held on to through the drop until done.
    first = outcomes[0].suggestion
    assert first is not None
    assert first.reason is not HackReason.KEEP
    for held in outcomes[1:3]:
        assert held.suggestion is not None
        assert (held.suggestion.reason, held.suggestion.hack) == (HackReason.KEEP, first.hack)
    assert outcomes[3].suggestion is None
    assert outcomes[3].repeating == first.hack

    trend = await service.trend(team.id, rounds=3)
    assert len(trend.points) == 3
    assert trend.series(PillarKey.LEARN) == [100.0, 0.0, 50.0]
    assert [h.hack_id for h in trend.hacks_done] == [done.hack_id]
    [period] = trend.hacks
    assert (period.hack_id, period.done_at) == (first.hack.id, done.at)
    assert set(trend.latest_changes) == set(PillarKey)
    # Each pulse asked statements none of the other pulses asked: every change compares with
    # the barometer, the last round that asked them.
    barometer = outcomes[0].round.opened_at
    for point in trend.points:
        assert isinstance(point.result, RoundSummary)
        assert {r.change.since for r in point.result.pillars.values() if r.change} == {barometer}

    with pytest.raises(UnknownHack):
        await service.hack_done(team.id, "no-such-hack")


async def test_asking_for_a_hack(service: PulseService, content: ContentPack) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings())
    first = await service.suggest_hack(team.id)
    assert first.pillar is PillarKey.INCLUDE
    by_pillar = await service.suggest_hack(team.id, pillar=PillarKey.CHALLENGE)
    assert PillarKey.CHALLENGE in by_pillar.hack.pillars
    assert (await service.suggest_hack(team.id, hack_id="pre-mortem")).hack.id == "pre-mortem"
    round_ = await service.open_round(team.id)
    await _answer_all(service, round_.id, round_.statement_ids, MEMBERS[:5], value=4)
    outcome = await service.close_round(round_.id)
    assert outcome.suggestion is not None
    # The team has a current hack now: asked for one, that is the one.
    latest = await service.suggest_hack(team.id)
    assert (latest.reason, latest.hack) == (HackReason.KEEP, outcome.suggestion.hack)


async def test_a_barometer_asks_every_statement(
    service: PulseService, content: ContentPack
) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings())
    round_ = await service.open_round(team.id, kind=RoundKind.BAROMETER)
    # Every statement still asked: the retired ones only score old rounds.
    assert round_.statement_ids == tuple(s.id for s in content.statements if not s.retired)
    for person in MEMBERS[:5]:
        await service.submit(
            round_.id, user_id=person, answers=dict.fromkeys(round_.statement_ids, 4)
        )
    outcome = await service.close_round(round_.id)
    assert isinstance(outcome.result, RoundSummary)
    # Reverse items were answered 4 ("agree" that something bad happens): scored as 2.
    learn = content.active_statements_for(PillarKey.LEARN)
    expected = (sum(2 if s.reverse else 4 for s in learn) / len(learn) - 1) / 4 * 100
    assert outcome.result.pillars[PillarKey.LEARN].score.score == pytest.approx(expected)


async def test_racing_reminders_remind_once(
    service: PulseService, chat: MemoryChat, storage: UnitOfWorkFactory
) -> None:
    if type(storage).__name__ == "MemoryStorage":
        pytest.skip("the in-memory fake is not transactional across tasks")
    team = await service.set_up_team(CHANNEL, TeamSettings())
    round_ = await service.open_round(team.id)
    sent = await asyncio.gather(*(service.remind(round_.id) for _ in range(4)))
    assert sorted(sent) == [0, 0, 0, len(MEMBERS)]
    assert len(chat.notes) == len(MEMBERS)


class _PostFails(MemoryChat):
    async def post_pulse(self, status: PulseStatus) -> str:
        raise NotInChannel()


async def test_a_round_whose_message_fails_is_taken_back(
    storage: UnitOfWorkFactory, clock: ManualClock, content: ContentPack
) -> None:
    chat = _PostFails(members=list(MEMBERS))
    service = PulseService(
        unit_of_work=storage, clock=clock, chat=chat, content=content, secret_key=b"k" * 32
    )
    team = await service.set_up_team(CHANNEL, TeamSettings())
    with pytest.raises(NotInChannel):
        await service.open_round(team.id)
    with pytest.raises(NoOpenRound):
        await service.open_round_of(team.id)


async def test_subscribers_hear_what_happened(service: PulseService) -> None:
    heard: list[Happened] = []
    service.subscribe(heard.append)
    team = await service.set_up_team(CHANNEL, TeamSettings())
    round_ = await service.open_round(team.id)
    await service.submit(round_.id, user_id="U1", answers=dict.fromkeys(round_.statement_ids, 4))
    await service.close_round(round_.id)
    await service.set_paused(team.id, paused=True)
    assert heard == [
        Happened.TEAM_CHANGED,
        Happened.ROUND_OPENED,
        Happened.ANSWERS_RECORDED,
        Happened.ROUND_CLOSED,
        Happened.TEAM_CHANGED,
    ]
    assert [h.changes_schedule for h in heard] == [True, True, False, True, True]


async def test_an_answer_from_another_teams_channel_is_refused(
    service: PulseService, storage: UnitOfWorkFactory
) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings())
    other = await service.set_up_team(ChannelRef("slack", "T2", "C9"), TeamSettings())
    round_ = await service.open_round(team.id)
    await service.open_round(other.id)
    answers = dict.fromkeys(round_.statement_ids, 4)
    elsewhere = [
        Origin("slack", "T1", "C2"),  # another channel of the same workspace
        Origin("slack", "T2", "C9"),  # the other team's channel, in another workspace
        Origin("slack", "T2"),  # another workspace, channel not named
        Origin("teams", "T1", "C1"),  # the same ids on another platform
    ]
    for origin in elsewhere:
        with pytest.raises(RoundOfAnotherTeam):
            await service.submit(round_.id, user_id="U1", answers=answers, origin=origin)
        with pytest.raises(RoundOfAnotherTeam):
            await service.status(round_.id, origin=origin)
    async with storage() as uow:
        assert await uow.answers.histograms([round_.id]) == {}
        assert await uow.participation.count(round_.id) == 0
    # Refused before anything else: a closed round of another team is not even called closed.
    await service.close_round(round_.id)
    with pytest.raises(RoundOfAnotherTeam):
        await service.submit(round_.id, user_id="U1", answers=answers, origin=elsewhere[1])


async def test_an_answer_from_the_teams_own_channel_counts(service: PulseService) -> None:
    team = await service.set_up_team(CHANNEL, TeamSettings())
    round_ = await service.open_round(team.id)
    answers = dict.fromkeys(round_.statement_ids, 4)
    here = Origin("slack", "T1", "C1")
    status = await service.submit(round_.id, user_id="U1", answers=answers, origin=here)
    assert status.respondents == 1
    # A modal's submission names only the workspace; that is enough for the team's own.
    status = await service.submit(
        round_.id, user_id="U2", answers=answers, origin=Origin("slack", "T1")
    )
    assert status.respondents == 2
    assert (await service.status(round_.id, origin=here)).respondents == 2
