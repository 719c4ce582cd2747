"""The data lifecycle on every storage: switching teams off, deleting them, the purge."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.memory_chat import MemoryChat
from content.schema import ContentPack
from surveys.addresses import ChannelAddress
from surveys.claims import Act
from surveys.errors import TeamInactive, TeamNotSetUp
from surveys.lifecycle import Purged, deletion_code
from surveys.manual_clock import ManualClock
from surveys.ports import UnitOfWorkFactory
from surveys.rounds import Round
from surveys.service import PulseService
from surveys.team import ChannelRef, Team, TeamSettings

MEMBERS = [f"U{i}" for i in range(1, 10)]
START = datetime(2024, 1, 8, 8, 0, tzinfo=UTC)


def channel(name: str, workspace: str = "T1", platform: str = "slack") -> ChannelRef:
    return ChannelRef(platform, workspace, name)


@pytest.fixture
def chat() -> MemoryChat:
    return MemoryChat(members=list(MEMBERS))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def service(
    storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock, content: ContentPack
) -> PulseService:
    return PulseService(
        unit_of_work=storage, clock=clock, chat=chat, content=content, secret_key=b"k" * 32
    )


async def _answer(service: PulseService, round_: Round, people: list[str]) -> None:
    for person in people:
        await service.submit(
            round_.id, user_id=person, answers=dict.fromkeys(round_.statement_ids, 4)
        )


async def _round(
    service: PulseService, clock: ManualClock, team: Team, *, closes: datetime, answers: int = 5
) -> Round:
    """A round of `team` that closes at `closes`, with `answers` respondents."""
    clock.set(closes - timedelta(hours=72))
    round_ = await service.open_round(team.id)
    await _answer(service, round_, MEMBERS[:answers])
    clock.set(closes)
    await service.close_round(round_.id)
    return round_


async def test_uninstalling_switches_off_the_workspaces_teams(
    service: PulseService, storage: UnitOfWorkFactory, chat: MemoryChat, clock: ManualClock
) -> None:
    first = await service.set_up_team(channel("C1"), TeamSettings())
    second = await service.set_up_team(channel("C2"), TeamSettings())
    elsewhere = await service.set_up_team(channel("C1", workspace="T2"), TeamSettings())
    teams_namesake = await service.set_up_team(
        channel("C3", workspace="T1", platform="teams"), TeamSettings()
    )
    round_ = await service.open_round(first.id)
    await _answer(service, round_, MEMBERS[:2])
    clock.advance(hours=1)

    assert await service.lifecycle.deactivate_workspace("slack", "T1") == 2

    for team in (first, second):
        off = await service.team(team.id)
        assert not off.active
        assert off.deactivated_at == clock.now()
        assert off.settings == team.settings
    assert (await service.team(elsewhere.id)).active
    assert (await service.team(teams_namesake.id)).active
    # The open round ended quietly: no summary, and nothing left of who answered.
    status = await service.status(round_.id)
    assert not status.round.is_open
    assert status.round.closed_at == clock.now()
    assert status.respondents == 2
    assert chat.outcomes == []
    async with storage() as uow:
        assert await uow.rounds.salt(round_.id) is None
        assert await uow.participation.count(round_.id) == 0
    with pytest.raises(TeamInactive):
        await service.open_round(first.id)
    assert await service.lifecycle.deactivate_workspace("slack", "T1") == 0

    # Setting the team up again switches it on.
    again = await service.set_up_team(channel("C1"), TeamSettings(language="en"))
    assert again.id == first.id
    assert again.active
    assert (await service.open_round(first.id)).team_id == first.id


async def test_removal_from_a_group_switches_off_its_channels_teams(
    service: PulseService, storage: UnitOfWorkFactory
) -> None:
    pulse, planning, other = (
        channel(name, workspace="tenant", platform="teams") for name in ("19:a", "19:b", "19:c")
    )
    in_group = await service.set_up_team(pulse, TeamSettings())
    outside = await service.set_up_team(other, TeamSettings())
    async with storage() as uow:
        for ref, group in ((pulse, "G1"), (planning, "G1"), (other, "G2")):
            await uow.addresses.save(
                ChannelAddress(channel=ref, group_id=group, service_url="", updated_at=START)
            )
        await uow.commit()

    assert await service.lifecycle.deactivate_group("teams", "tenant", "G1") == 1

    assert not (await service.team(in_group.id)).active
    assert (await service.team(outside.id)).active
    async with storage() as uow:
        assert await uow.addresses.in_group("teams", "tenant", "G1") == []
        assert [a.channel for a in await uow.addresses.in_group("teams", "tenant", "G2")] == [other]


async def test_deleting_a_team_leaves_nothing_of_it(
    service: PulseService, storage: UnitOfWorkFactory, clock: ManualClock
) -> None:
    doomed = await service.set_up_team(channel("C1"), TeamSettings())
    kept = await service.set_up_team(channel("C2"), TeamSettings())
    closed = await _round(service, clock, doomed, closes=START + timedelta(days=7))
    kept_round = await _round(service, clock, kept, closes=START + timedelta(days=7))
    await service.hack_done(doomed.id, "check-in-round")
    open_round = await service.open_round(doomed.id)
    await _answer(service, open_round, MEMBERS[:1])
    async with storage() as uow:
        await uow.claims.claim(doomed.id, Act.OPEN, START, at=START)
        await uow.addresses.save(
            ChannelAddress(channel=doomed.channel, group_id="G", service_url="", updated_at=START)
        )
        await uow.commit()

    deleted = await service.lifecycle.delete_team(doomed.id)

    assert deleted.id == doomed.id
    with pytest.raises(TeamNotSetUp):
        await service.team(doomed.id)
    async with storage() as uow:
        assert await uow.rounds.get(closed.id) is None
        assert await uow.rounds.get(open_round.id) is None
        assert await uow.answers.histograms([closed.id, open_round.id]) == {}
        assert await uow.participation.count(open_round.id) == 0
        assert await uow.hacks.between(doomed.id, START, clock.now()) == []
        assert await uow.claims.status(doomed.id, Act.OPEN, START) is None
        assert await uow.addresses.get(doomed.channel) is None
        assert await uow.rounds.get(kept_round.id) is not None
    assert len((await service.trend(kept.id)).points) == 1
    with pytest.raises(TeamNotSetUp):
        await service.lifecycle.delete_team(doomed.id)


async def test_the_purge_removes_exactly_what_is_older_than_the_retention(
    service: PulseService, storage: UnitOfWorkFactory, clock: ManualClock
) -> None:
    team = await service.set_up_team(channel("C1"), TeamSettings())
    old = await _round(service, clock, team, closes=datetime(2024, 1, 31, 9, 0, tzinfo=UTC))
    edge = await _round(service, clock, team, closes=datetime(2024, 3, 1, 12, 0, tzinfo=UTC))
    recent = await _round(service, clock, team, closes=datetime(2024, 3, 1, 12, 1, tzinfo=UTC))
    open_round = await service.open_round(team.id)  # opened before now and still open
    clock.set(datetime(2024, 1, 20, tzinfo=UTC))
    old_hack = await service.hack_done(team.id, "check-in-round")
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=UTC))
    edge_hack = await service.hack_done(team.id, "check-in-round")
    async with storage() as uow:
        await uow.claims.claim(team.id, Act.OPEN, datetime(2024, 1, 29, tzinfo=UTC), at=START)
        await uow.claims.claim(team.id, Act.OPEN, datetime(2024, 3, 4, tzinfo=UTC), at=START)
        await uow.commit()
    async with storage() as uow:
        logged = await uow.hacks.between(team.id, START, clock.now())
    older = [e for e in logged if e.at < edge.closes_at]
    assert len(older) == 2  # the hack done, and the hack suggested with `old`

    # One month before 1 April 12:00 is 1 March 12:00: `edge` closed exactly then and stays.
    clock.set(datetime(2024, 4, 1, 12, 0, tzinfo=UTC))
    purged = await service.lifecycle.purge_team(team.id, months=1)

    assert purged == Purged(rounds=1, hack_events=2, claims=1, team_deleted=False)
    async with storage() as uow:
        assert await uow.rounds.get(old.id) is None
        assert await uow.answers.histograms([old.id]) == {}
        assert {r.id for r in await uow.rounds.closed(team.id, limit=10)} == {edge.id, recent.id}
        assert (await uow.rounds.open_for_team(team.id)) == open_round
        left = await uow.hacks.between(team.id, START, clock.now())
        assert old_hack not in left
        assert edge_hack in left
        assert all(e.at >= datetime(2024, 3, 1, 12, 0, tzinfo=UTC) for e in left)
        assert await uow.claims.status(team.id, Act.OPEN, datetime(2024, 1, 29, tzinfo=UTC)) is None
        assert await uow.claims.status(team.id, Act.OPEN, datetime(2024, 3, 4, tzinfo=UTC))
    assert await service.lifecycle.purge_team(team.id, months=1) == Purged()
    assert (await service.team(team.id)).active


async def test_a_team_switched_off_longer_than_the_retention_is_deleted(
    service: PulseService, clock: ManualClock
) -> None:
    gone = await service.set_up_team(channel("C1"), TeamSettings())
    stays = await service.set_up_team(channel("C2", workspace="T2"), TeamSettings())
    await _round(service, clock, gone, closes=START + timedelta(days=3))
    clock.set(START + timedelta(days=5))
    await service.lifecycle.deactivate_workspace("slack", "T1")
    clock.set(START + timedelta(days=6))
    await service.lifecycle.deactivate_workspace("slack", "T2")

    # Exactly a month after the first was switched off: its old round goes, the team not yet.
    clock.set(START + timedelta(days=5) + timedelta(days=31))
    assert await service.lifecycle.purge_team(gone.id, months=1) == Purged(
        rounds=1, hack_events=1, claims=0, team_deleted=False
    )
    clock.advance(seconds=1)
    assert (await service.lifecycle.purge_team(gone.id, months=1)).team_deleted
    with pytest.raises(TeamNotSetUp):
        await service.team(gone.id)
    assert not (await service.lifecycle.purge_team(stays.id, months=1)).team_deleted
    assert not (await service.team(stays.id)).active
    assert await service.lifecycle.purge_team(gone.id, months=1) == Purged()


async def test_deletion_codes_differ_between_teams(service: PulseService) -> None:
    first = await service.set_up_team(channel("C1"), TeamSettings())
    second = await service.set_up_team(channel("C2"), TeamSettings())
    assert len(deletion_code(first)) == 6
    assert deletion_code(first) != deletion_code(second)
    assert deletion_code(first) == deletion_code(replace(first, name="renamed"))


async def test_a_switched_off_team_is_no_ones_own_team_any_more(service: PulseService) -> None:
    leader = TeamSettings(leaders=frozenset({"U-LEAD"}))
    await service.set_up_team(channel("C1"), leader)
    await service.set_up_team(channel("C2", workspace="T2"), leader)
    assert len(await service.teams_with_role("slack", "T1", "U-LEAD")) == 1
    await service.lifecycle.deactivate_workspace("slack", "T1")
    # The home page and `trend` list a person's own teams: a removed app's teams are gone.
    assert await service.teams_with_role("slack", "T1", "U-LEAD") == []
    assert len(await service.teams_with_role("slack", "T2", "U-LEAD")) == 1
