"""Overlapping channels (issue 11, item 6): two teams whose channels differ by one person,
asked in the same week, published two summaries whose difference was that person's answers."""

from __future__ import annotations

import pytest

from content.schema import ContentPack
from surveys.anonymity import RoundSummary, WithheldReason, WithheldSummary
from surveys.manual_clock import ManualClock
from surveys.ports import UnitOfWorkFactory
from surveys.rounds import rotation_offset
from surveys.service import PulseService
from surveys.team import ChannelRef, Team, TeamSettings
from tests.builders import T0

TEAM = [f"M{n}" for n in range(1, 7)]
LONER = "LONER"


class TwoChannels:
    """A chat whose two channels differ by `extra` people, only in the big one."""

    def __init__(self) -> None:
        self.extra = [LONER]
        self.outcomes: list[object] = []

    async def channel_members(self, team: Team) -> list[str]:
        return [*TEAM, *self.extra] if team.channel.channel_id == "C-BIG" else list(TEAM)

    async def post_pulse(self, status: object) -> str:
        return "msg"

    async def update_pulse(self, status: object, message_ref: str) -> None:
        return None

    async def post_outcome(self, outcome: object) -> None:
        self.outcomes.append(outcome)

    async def send_private(self, team: Team, user_id: str, notice: object) -> None:
        return None

    async def post_hack(self, team: Team, hack: object) -> str:
        return "thread"


@pytest.fixture
def chat() -> TwoChannels:
    return TwoChannels()


@pytest.fixture
def service(storage: UnitOfWorkFactory, content: ContentPack, chat: TwoChannels) -> PulseService:
    return PulseService(
        unit_of_work=storage,
        clock=ManualClock(T0),
        chat=chat,
        content=content,
        secret_key=b"k" * 32,
    )


async def test_two_nearly_equal_channels_are_both_withheld_and_keep_no_counts(
    service: PulseService, storage: UnitOfWorkFactory
) -> None:
    small = await service.set_up_team(ChannelRef("slack", "T1", "C-SMALL"), TeamSettings())
    big = await service.set_up_team(ChannelRef("slack", "T1", "C-BIG"), TeamSettings())
    rounds = {team.id: await service.open_round(team.id) for team in (small, big)}
    for team, people in ((small, TEAM), (big, [*TEAM, LONER])):
        round_ = rounds[team.id]
        for person in people:
            value = 1 if person == LONER else 4
            answers = dict.fromkeys(round_.statement_ids, value)
            await service.submit(round_.id, user_id=person, answers=answers)
    # Whichever closes first, neither is shown: each round's roster is known from its
    # opening, so the first to close already knows the other could be subtracted from it.
    for team in (small, big):
        result = (await service.close_round(rounds[team.id].id)).result
        assert isinstance(result, WithheldSummary)
        assert result.reason is WithheldReason.OVERLAP
    # Nothing to subtract, even for someone reading the database: no counts are kept.
    async with storage() as uow:
        assert await uow.answers.histograms([r.id for r in rounds.values()]) == {}
    # They stay withheld in the trend.
    trend = await service.trend(big.id)
    assert [type(point.result) for point in trend.points] == [WithheldSummary]


async def test_channels_that_differ_by_k_people_are_both_shown(
    service: PulseService, chat: TwoChannels
) -> None:
    chat.extra = [f"X{n}" for n in range(5)]  # k = 5 newcomers: no one can be singled out
    small = await service.set_up_team(ChannelRef("slack", "T1", "C-SMALL"), TeamSettings())
    big = await service.set_up_team(ChannelRef("slack", "T1", "C-BIG"), TeamSettings())
    rounds = {team.id: await service.open_round(team.id) for team in (small, big)}
    for team in (small, big):
        round_ = rounds[team.id]
        for person in await chat.channel_members(team):
            answers = dict.fromkeys(round_.statement_ids, 3)
            await service.submit(round_.id, user_id=person, answers=answers)
    for team in (small, big):
        assert isinstance((await service.close_round(rounds[team.id].id)).result, RoundSummary)


async def test_each_team_walks_the_statements_from_its_own_place(
    service: PulseService,
) -> None:
    teams = [
        await service.set_up_team(ChannelRef("slack", "T1", f"C{n}"), TeamSettings())
        for n in range(12)
    ]
    asked = set()
    for team in teams:
        asked.add((await service.open_round(team.id)).statement_ids)
    assert len({rotation_offset(team.id) for team in teams}) > 1
    assert len(asked) > 1
