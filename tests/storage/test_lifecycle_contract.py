"""The storage contract for the data lifecycle: switching off, purging and deleting teams."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

from surveys.addresses import ChannelAddress
from surveys.ballot import Participant
from surveys.claims import Act, ClaimStatus
from surveys.closing import seal
from surveys.hack_log import HackEvent, HackLogEntry
from surveys.ports import UnitOfWorkFactory
from surveys.rounds import Round
from surveys.team import ChannelRef, Team
from tests.builders import T0, a_round, a_team

CUTOFF = T0 + timedelta(days=30)


async def _closed_round(
    storage: UnitOfWorkFactory, team: Team, *, closed_at: timedelta, counts: bool = True
) -> Round:
    """A round of `team` closed `closed_at` after T0, with one person's answers counted."""
    round_ = a_round(team, opened_at=T0 + closed_at - timedelta(hours=72))
    async with storage() as uow:
        await uow.rounds.add(round_, salt=b"s" * 32)
        await uow.answers.prepare(round_.id, round_.statement_ids)
        if counts:
            await uow.participation.enter([Participant(round_.id, "someone")])
            await uow.answers.add([(round_.id, [(s, 4) for s in sorted(round_.statement_ids)])])
        closed = await seal(uow, round_, at=T0 + closed_at, min_respondents=0)
        await uow.commit()
    return closed


def _event(team: Team, at: timedelta) -> HackLogEntry:
    return HackLogEntry(
        id=uuid.uuid4().hex,
        team_id=team.id,
        hack_id="h-1",
        event=HackEvent.SUGGESTED,
        at=T0 + at,
    )


async def test_a_switched_off_team_comes_back_switched_off(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.commit()
    off = replace(team, deactivated_at=T0 + timedelta(days=3))
    async with storage() as uow:
        await uow.teams.update(off)
        await uow.commit()
    async with storage() as uow:
        stored = await uow.teams.get(team.id)
    assert stored == off
    assert stored is not None
    assert not stored.active
    assert stored.deactivated_at is not None
    assert stored.deactivated_at.utcoffset() == timedelta(0)


async def test_rounds_closed_before_the_cutoff_go_with_their_counts(
    storage: UnitOfWorkFactory,
) -> None:
    team, other = a_team(channel="C1"), a_team(channel="C2")
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.teams.add(other)
        await uow.commit()
    old = await _closed_round(storage, team, closed_at=timedelta(days=1))
    just_before = await _closed_round(storage, team, closed_at=timedelta(days=30, seconds=-1))
    at_cutoff = await _closed_round(storage, team, closed_at=timedelta(days=30))
    recent = await _closed_round(storage, team, closed_at=timedelta(days=40))
    others_old = await _closed_round(storage, other, closed_at=timedelta(days=1))
    open_old = a_round(team, opened_at=T0)  # opened long ago, still open: never purged
    async with storage() as uow:
        await uow.rounds.add(open_old, salt=b"t" * 32)
        await uow.answers.prepare(open_old.id, open_old.statement_ids)
        await uow.participation.enter([Participant(open_old.id, "hash-1")])
        await uow.commit()

    async with storage() as uow:
        assert await uow.rounds.remove_closed_before(team.id, CUTOFF) == 2
        await uow.commit()

    async with storage() as uow:
        assert await uow.rounds.get(old.id) is None
        assert await uow.rounds.get(just_before.id) is None
        assert await uow.rounds.closed(team.id, limit=10) == [recent, at_cutoff]
        assert await uow.rounds.closed(other.id, limit=10) == [others_old]
        assert await uow.rounds.open_for_team(team.id) == open_old
        assert await uow.rounds.salt(open_old.id) == b"t" * 32
        assert await uow.participation.count(open_old.id) == 1
        histograms = await uow.answers.histograms(
            [old.id, just_before.id, at_cutoff.id, others_old.id]
        )
        assert set(histograms) == {at_cutoff.id, others_old.id}
        assert await uow.rounds.remove_closed_before(team.id, CUTOFF) == 0


async def test_hack_log_entries_before_the_cutoff_go(storage: UnitOfWorkFactory) -> None:
    team, other = a_team(channel="C1"), a_team(channel="C2")
    old, edge, recent = (
        _event(team, timedelta(days=2)),
        _event(team, timedelta(days=30)),
        _event(team, timedelta(days=31)),
    )
    others = _event(other, timedelta(days=2))
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.teams.add(other)
        for entry in (old, edge, recent, others):
            await uow.hacks.add(entry)
        await uow.commit()
    async with storage() as uow:
        assert await uow.hacks.remove_before(team.id, CUTOFF) == 1
        await uow.commit()
    async with storage() as uow:
        assert await uow.hacks.between(team.id, T0, T0 + timedelta(days=60)) == [edge, recent]
        assert await uow.hacks.between(other.id, T0, T0 + timedelta(days=60)) == [others]


async def test_claims_before_the_cutoff_go_of_one_act_or_all(storage: UnitOfWorkFactory) -> None:
    team, other = a_team(channel="C1"), a_team(channel="C2")
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.teams.add(other)
        await uow.commit()
    slots = {
        (Act.OPEN, T0),
        (Act.PURGE, T0),
        (Act.PURGE, T0 + timedelta(days=1)),
        (Act.CLOSE, CUTOFF),
        (Act.PURGE, CUTOFF),
    }
    async with storage() as uow:
        for act, slot in slots:
            assert await uow.claims.claim(team.id, act, slot, at=slot)
        assert await uow.claims.claim(other.id, Act.PURGE, T0, at=T0)
        await uow.commit()
    async with storage() as uow:
        assert await uow.claims.remove_before(team.id, CUTOFF, act=Act.PURGE) == 2
        await uow.commit()
    async with storage() as uow:
        assert await uow.claims.status(team.id, Act.PURGE, T0) is None
        assert await uow.claims.status(team.id, Act.OPEN, T0) is ClaimStatus.CLAIMED
        assert await uow.claims.remove_before(team.id, CUTOFF) == 1
        await uow.commit()
    async with storage() as uow:
        assert await uow.claims.status(team.id, Act.OPEN, T0) is None
        assert await uow.claims.status(team.id, Act.CLOSE, CUTOFF) is ClaimStatus.CLAIMED
        assert await uow.claims.status(team.id, Act.PURGE, CUTOFF) is ClaimStatus.CLAIMED
        assert await uow.claims.status(other.id, Act.PURGE, T0) is ClaimStatus.CLAIMED


async def test_removing_a_team_removes_everything_of_it(storage: UnitOfWorkFactory) -> None:
    team, other = a_team(channel="C1"), a_team(channel="C2")
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.teams.add(other)
        await uow.commit()
    closed = await _closed_round(storage, team, closed_at=timedelta(days=1))
    kept = await _closed_round(storage, other, closed_at=timedelta(days=1))
    open_round = a_round(team, opened_at=T0 + timedelta(days=7))
    address = ChannelAddress(
        channel=ChannelRef("slack", "T1", "C1"), group_id="G", service_url="", updated_at=T0
    )
    async with storage() as uow:
        await uow.rounds.add(open_round, salt=b"s" * 32)
        await uow.answers.prepare(open_round.id, open_round.statement_ids)
        await uow.participation.enter([Participant(open_round.id, "hash-1")])
        await uow.hacks.add(_event(team, timedelta(days=1)))
        await uow.hacks.add(_event(other, timedelta(days=1)))
        await uow.claims.claim(team.id, Act.OPEN, T0, at=T0)
        await uow.claims.claim(other.id, Act.OPEN, T0, at=T0)
        await uow.addresses.save(address)
        await uow.commit()

    async with storage() as uow:
        await uow.teams.remove(team.id)
        await uow.commit()

    async with storage() as uow:
        assert await uow.teams.get(team.id) is None
        assert await uow.teams.by_channel(team.channel) is None
        assert [t.id for t in await uow.teams.all()] == [other.id]
        assert await uow.rounds.get(closed.id) is None
        assert await uow.rounds.get(open_round.id) is None
        assert await uow.rounds.all_open() == []
        assert await uow.rounds.salt(open_round.id) is None
        assert await uow.participation.count(open_round.id) == 0
        assert set(await uow.answers.histograms([closed.id, open_round.id, kept.id])) == {kept.id}
        span = (T0, T0 + timedelta(days=9))
        assert await uow.hacks.between(team.id, *span) == []
        assert len(await uow.hacks.between(other.id, *span)) == 1
        assert await uow.claims.status(team.id, Act.OPEN, T0) is None
        assert await uow.claims.status(other.id, Act.OPEN, T0) is ClaimStatus.CLAIMED
        assert await uow.rounds.closed(other.id, limit=5) == [kept]
        # The channel address is not the team's: the use case forgets it explicitly.
        assert await uow.addresses.get(address.channel) == address
        await uow.teams.remove(team.id)  # again: nothing happens
