"""The leader's private side through PulseService on every storage: predicting, the gap after
the close (only to that leader, behind the gate), trap notes, and reminders held back."""

from __future__ import annotations

import pytest

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from content.schema import ContentPack, PillarKey
from surveys.announcements import Notice
from surveys.errors import RoundClosed, RoundOfAnotherTeam
from surveys.manual_clock import ManualClock
from surveys.ports import UnitOfWorkFactory
from surveys.prediction import InvalidPrediction, NotALeader, PerceptionReport
from surveys.rounds import Round, RoundKind
from surveys.service import PulseService
from surveys.team import ChannelRef, Origin, Team, TeamSettings
from surveys.traps import TrapNote
from tests.builders import T0

MEMBERS = [f"U{i}" for i in range(1, 10)]
LEADERS = frozenset({"U1", "U2"})
FACILITATOR = "U3"
# Leaders and facilitators do not make up k: these are the team's other members.
OTHERS = MEMBERS[3:]
CHANNEL = ChannelRef(platform="slack", workspace_id="T1", channel_id="C1")
ALL_AGREE = dict.fromkeys((p.value for p in PillarKey), 4)  # "Enig": 75


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


async def _team(service: PulseService, **settings: object) -> Team:
    return await service.set_up_team(
        CHANNEL,
        TeamSettings(leaders=LEADERS, facilitators=frozenset({FACILITATOR}), **settings),  # type: ignore[arg-type]
    )


async def _answer(service: PulseService, round_: Round, people: list[str], value: int) -> None:
    bank = default_pack()
    answers = {s: 6 - value if bank.statement(s).reverse else value for s in round_.statement_ids}
    for person in people:
        await service.submit(round_.id, user_id=person, answers=answers)


async def _round(
    service: PulseService,
    clock: ManualClock,
    team: Team,
    people: list[str],
    value: int,
    *,
    kind: RoundKind = RoundKind.PULSE,
) -> Round:
    """A round answered by `people` and closed; the clock moves on a week."""
    round_ = await service.open_round(team.id, kind=kind)
    await _answer(service, round_, people, value)
    clock.advance(hours=72)
    await service.close_round(round_.id)
    clock.advance(days=6)
    return round_


async def test_only_a_leader_predicts_and_only_while_the_round_is_open(
    service: PulseService, clock: ManualClock
) -> None:
    team = await _team(service)
    round_ = await service.open_round(team.id)
    side = service.leader_side
    for not_a_leader in ("U5", FACILITATOR, "someone-else"):
        with pytest.raises(NotALeader):
            await side.predict(round_.id, user_id=not_a_leader, values=ALL_AGREE)
        with pytest.raises(NotALeader):
            await side.prediction_of(round_.id, not_a_leader)
    with pytest.raises(InvalidPrediction):
        await side.predict(round_.id, user_id="U1", values={"include": 4})
    with pytest.raises(RoundOfAnotherTeam):
        await side.predict(
            round_.id, user_id="U1", values=ALL_AGREE, origin=Origin("slack", "T1", "C-other")
        )
    assert (await side.prediction_of(round_.id, "U1"))[2] is None

    await side.predict(round_.id, user_id="U1", values=ALL_AGREE, origin=Origin("slack", "T1"))
    await side.predict(round_.id, user_id="U1", values={**ALL_AGREE, "learn": 2})
    _, _, mine = await side.prediction_of(round_.id, "U1")
    assert mine is not None
    assert mine.values == {**dict.fromkeys(PillarKey, 4), PillarKey.LEARN: 2}
    # The other leader sees nothing of it.
    assert (await side.prediction_of(round_.id, "U2"))[2] is None

    clock.advance(hours=72)  # past the deadline, not yet closed
    with pytest.raises(RoundClosed):
        await side.predict(round_.id, user_id="U1", values=ALL_AGREE)
    await service.close_round(round_.id)
    with pytest.raises(RoundClosed):
        await side.prediction_of(round_.id, "U1")


async def test_after_the_close_only_the_leader_who_predicted_sees_the_gap(
    service: PulseService, chat: MemoryChat, clock: ManualClock
) -> None:
    team = await _team(service)
    round_ = await service.open_round(team.id)
    await service.leader_side.predict(round_.id, user_id="U1", values=ALL_AGREE)
    await _answer(service, round_, OTHERS, 2)  # "Uenig": 25 on every pillar
    clock.advance(hours=72)
    await service.close_round(round_.id)

    assert [person for person, _ in chat.notes] == ["U1"]
    (_, report) = chat.notes[0]
    assert isinstance(report, PerceptionReport)
    assert report.withheld is None
    assert {gap.pillar: (gap.predicted, gap.result) for gap in report.gaps} == dict.fromkeys(
        PillarKey, (4, 25.0)
    )
    assert all(gap.gap == -50.0 and gap.large for gap in report.gaps)


async def test_a_withheld_round_gives_the_leader_no_number(
    service: PulseService, chat: MemoryChat, clock: ManualClock
) -> None:
    team = await _team(service)
    round_ = await service.open_round(team.id)
    await service.leader_side.predict(round_.id, user_id="U2", values=ALL_AGREE)
    # Four others and both leaders answered: fewer than k = 5 who are not leaders.
    await _answer(service, round_, [*OTHERS[:4], "U1", "U2"], 1)
    clock.advance(hours=72)
    await service.close_round(round_.id)
    ((person, report),) = chat.notes
    assert person == "U2"
    assert isinstance(report, PerceptionReport)
    assert report.gaps == ()
    assert report.withheld is not None


async def test_a_former_leader_gets_no_gap(
    service: PulseService, chat: MemoryChat, clock: ManualClock
) -> None:
    team = await _team(service)
    round_ = await service.open_round(team.id)
    await service.leader_side.predict(round_.id, user_id="U1", values=ALL_AGREE)
    # U1 is no longer a leader when the round closes: nothing of the team's results for U1.
    await service.set_up_team(CHANNEL, TeamSettings(leaders=frozenset({"U2"})))
    await _answer(service, round_, OTHERS, 4)
    clock.advance(hours=72)
    await service.close_round(round_.id)
    assert chat.notes == []


async def test_participation_sliding_sends_the_avoidance_note_to_those_running_the_team(
    service: PulseService, chat: MemoryChat, clock: ManualClock
) -> None:
    team = await _team(service)
    await _round(service, clock, team, MEMBERS, 4)  # 100 %
    await _round(service, clock, team, MEMBERS[1:], 4)  # 89 %
    await _round(service, clock, team, MEMBERS[2:], 4)  # 78 %
    assert chat.notes == []
    await _round(service, clock, team, OTHERS, 4)  # 67 %: a slide over four rounds
    assert sorted(person for person, _ in chat.notes) == ["U1", "U2", FACILITATOR]
    assert {note for _, note in chat.notes} == {TrapNote(avoidance=True, falling=())}


async def test_while_participation_slides_nobody_is_reminded_and_those_running_it_hear_why(
    service: PulseService, chat: MemoryChat, clock: ManualClock
) -> None:
    team = await _team(service)
    for people in (MEMBERS, MEMBERS[1:], MEMBERS[2:], OTHERS):
        await _round(service, clock, team, people, 4)
    chat.notes.clear()
    round_ = await service.open_round(team.id)
    await _answer(service, round_, OTHERS[:2], 4)
    assert await service.remind(round_.id) == 0
    assert sorted(person for person, _ in chat.notes) == ["U1", "U2", FACILITATOR]
    assert all(
        isinstance(note, Notice) and note.key == "reminder-held-back" for _, note in chat.notes
    )
    assert await service.remind(round_.id) == 0  # the reminder slot has passed
    assert len(chat.notes) == 3


async def test_a_steady_team_is_reminded_as_usual(
    service: PulseService, chat: MemoryChat, clock: ManualClock
) -> None:
    team = await _team(service)
    for _ in range(4):
        await _round(service, clock, team, MEMBERS, 4)
    round_ = await service.open_round(team.id)
    assert await service.remind(round_.id) == len(MEMBERS)
    assert all(isinstance(note, Notice) and note.key == "reminder" for _, note in chat.notes)


async def test_a_pillar_falling_twice_names_resistance_and_stress_privately(
    service: PulseService, chat: MemoryChat, clock: ManualClock
) -> None:
    team = await _team(service)
    # Barometers ask every statement, so each comparison is like with like.
    for value in (5, 4):
        await _round(service, clock, team, MEMBERS, value, kind=RoundKind.BAROMETER)
    assert chat.notes == []
    await _round(service, clock, team, MEMBERS, 3, kind=RoundKind.BAROMETER)
    assert sorted(person for person, _ in chat.notes) == ["U1", "U2", FACILITATOR]
    assert {note for _, note in chat.notes} == {TrapNote(avoidance=False, falling=tuple(PillarKey))}
