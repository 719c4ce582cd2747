"""The roster repository's contract, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from surveys.overlap import SAME_PERIOD, Roster, overlap_window
from surveys.ports import UnitOfWorkFactory
from surveys.rounds import Round
from surveys.team import ChannelRef, Team
from tests.builders import T0, a_round, a_team

MEMBERS = frozenset(f"{n:064x}" for n in range(6))


def _elsewhere(channel: str, *, platform: str = "slack", workspace: str = "T1") -> Team:
    team = a_team(channel=channel)
    return replace(team, channel=ChannelRef(platform, workspace, channel))


async def _open(
    storage: UnitOfWorkFactory,
    team: Team,
    members: frozenset[str] = MEMBERS,
    *,
    opened_at: datetime = T0,
    k_at_open: int | None = None,
    closed: bool = False,
) -> Round:
    round_ = replace(a_round(team, opened_at=opened_at), min_respondents=k_at_open)
    async with storage() as uow:
        if await uow.teams.get(team.id) is None:
            await uow.teams.add(team)
        await uow.rounds.add(round_, salt=b"s" * 32)
        await uow.rosters.add(round_.id, members)
        if closed:
            await uow.rounds.close(round_.id, closed_at=round_.closes_at, respondents=0, eligible=0)
        await uow.commit()
    return round_


async def _in_period(storage: UnitOfWorkFactory, at: datetime = T0) -> dict[str, Roster]:
    start, end = overlap_window(at)
    async with storage() as uow:
        return await uow.rosters.in_period("slack", "T1", start=start, end=end)


async def test_a_roster_comes_back_with_its_round_team_and_k(storage: UnitOfWorkFactory) -> None:
    team = a_team(min_respondents=5)
    round_ = await _open(storage, team, k_at_open=7)
    assert await _in_period(storage) == {
        round_.id: Roster(
            round_id=round_.id,
            team_id=team.id,
            opened_at=T0,
            members=MEMBERS,
            min_respondents=7,
        )
    }


async def test_k_is_the_larger_of_k_at_open_and_k_now(storage: UnitOfWorkFactory) -> None:
    team = a_team(min_respondents=6)
    lower_at_open = await _open(storage, team, k_at_open=4, closed=True)
    from_before_k_was_kept = await _open(
        storage, team, opened_at=T0 + timedelta(days=7), k_at_open=None
    )
    rosters = await _in_period(storage)
    assert rosters[lower_at_open.id].min_respondents == 6
    assert rosters[from_before_k_was_kept.id].min_respondents == 6


async def test_only_the_workspaces_rounds_of_the_window(storage: UnitOfWorkFactory) -> None:
    here = await _open(storage, a_team(channel="C1"))
    first_day = await _open(storage, a_team(channel="C2"), opened_at=T0 - SAME_PERIOD)
    last_day = await _open(storage, a_team(channel="C3"), opened_at=T0 + SAME_PERIOD)
    await _open(storage, a_team(channel="C4"), opened_at=T0 + SAME_PERIOD + timedelta(seconds=1))
    await _open(storage, a_team(channel="C5"), opened_at=T0 - SAME_PERIOD - timedelta(seconds=1))
    await _open(storage, _elsewhere("C6", workspace="T2"))
    await _open(storage, _elsewhere("C7", platform="teams"))
    assert set(await _in_period(storage)) == {here.id, first_day.id, last_day.id}


async def test_a_roster_is_replaced_and_an_empty_one_is_none(storage: UnitOfWorkFactory) -> None:
    round_ = await _open(storage, a_team())
    fewer = frozenset(list(MEMBERS)[:3])
    async with storage() as uow:
        await uow.rosters.add(round_.id, fewer, replacing=True)
        await uow.commit()
    assert (await _in_period(storage))[round_.id].members == fewer
    async with storage() as uow:
        await uow.rosters.add(round_.id, [], replacing=True)
        await uow.commit()
    assert await _in_period(storage) == {}


async def test_a_roster_without_commit_is_discarded(storage: UnitOfWorkFactory) -> None:
    round_ = await _open(storage, a_team(), frozenset())
    async with storage() as uow:
        await uow.rosters.add(round_.id, MEMBERS)
    assert await _in_period(storage) == {}


async def test_the_overlap_verdict_is_kept(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    withheld = await _open(storage, team, closed=True)
    shown = await _open(storage, team, opened_at=T0 + timedelta(days=7), closed=True)
    async with storage() as uow:
        await uow.rosters.withhold(withheld.id)
        await uow.rosters.withhold(withheld.id)  # twice is once
        await uow.commit()
    async with storage() as uow:
        assert await uow.rosters.withheld([withheld.id, shown.id, "missing"]) == {withheld.id}
        assert await uow.rosters.withheld([]) == set()
        # The verdict outlives the roster.
        assert await uow.rosters.remove_before(team.id, T0 + timedelta(days=100)) == 2
        await uow.commit()
    async with storage() as uow:
        assert await uow.rosters.withheld([withheld.id, shown.id]) == {withheld.id}
    assert await _in_period(storage) == {}


async def test_rosters_and_verdicts_go_with_their_round(storage: UnitOfWorkFactory) -> None:
    team, other = a_team(channel="C1"), a_team(channel="C2")
    old = await _open(storage, team, closed=True)
    discarded = await _open(storage, other)
    async with storage() as uow:
        await uow.rosters.withhold(old.id)
        await uow.rounds.discard(discarded.id)
        await uow.rounds.remove_closed_before(team.id, T0 + timedelta(days=30))
        await uow.commit()
    async with storage() as uow:
        assert await uow.rosters.withheld([old.id]) == set()
    assert await _in_period(storage) == {}
    gone_with_team = await _open(storage, team, opened_at=T0 + timedelta(days=7))
    async with storage() as uow:
        await uow.teams.remove(team.id)
        await uow.commit()
    assert gone_with_team.id not in await _in_period(storage)


async def test_purge_removes_the_teams_closed_rosters_opened_before(
    storage: UnitOfWorkFactory,
) -> None:
    team, neighbour = a_team(channel="C1"), a_team(channel="C2")
    old = await _open(storage, team, closed=True)
    recent = await _open(storage, team, opened_at=T0 + timedelta(days=7), closed=True)
    neighbours = await _open(storage, neighbour, closed=True)
    cutoff = T0 + timedelta(days=1)
    async with storage() as uow:
        assert await uow.rosters.remove_before(team.id, cutoff) == 1
        assert await uow.rosters.remove_before(team.id, cutoff) == 0
        assert await uow.rosters.remove_before("missing", cutoff) == 0
        await uow.commit()
    left = await _in_period(storage)
    assert old.id not in left
    assert {recent.id, neighbours.id} <= set(left)


async def test_purge_keeps_what_an_open_round_of_the_workspace_still_needs(
    storage: UnitOfWorkFactory,
) -> None:
    team = a_team(channel="C1")
    old = await _open(storage, team, closed=True)
    older = await _open(storage, team, opened_at=T0 - timedelta(days=1), closed=True)
    # A round of another team, opened a period after `old` and still open (a late close):
    # it is compared with `old` when it closes, so `old` stays; `older` is out of its period.
    late_team = a_team(channel="C2")
    late = await _open(storage, late_team, opened_at=T0 + SAME_PERIOD)
    # An open round in another workspace keeps nothing here.
    await _open(storage, _elsewhere("C3", workspace="T2"), opened_at=T0)
    async with storage() as uow:
        assert await uow.rosters.remove_before(team.id, T0 + timedelta(days=100)) == 1
        # An open round's own roster is never purged.
        assert await uow.rosters.remove_before(late_team.id, T0 + timedelta(days=100)) == 0
        await uow.commit()
    left = await _in_period(storage, T0 + SAME_PERIOD)
    assert old.id in left
    assert older.id not in await _in_period(storage, T0 - timedelta(days=1))
    async with storage() as uow:
        await uow.rounds.close(late.id, closed_at=late.closes_at, respondents=0, eligible=0)
        await uow.commit()
    async with storage() as uow:
        assert await uow.rosters.remove_before(team.id, T0 + timedelta(days=100)) == 1
        await uow.commit()
    assert old.id not in await _in_period(storage)
