"""The storage contract: every implementation of the ports (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.unit_of_work import SqlStorage
from surveys.addresses import ChannelAddress
from surveys.ballot import Ballot, Entry, Participant
from surveys.claims import Act, Claim, ClaimStatus
from surveys.errors import RoundAlreadyOpen
from surveys.hack_effect import helped_item
from surveys.hack_log import HackEvent, HackLogEntry
from surveys.ports import UnitOfWorkFactory
from surveys.rounds import RoundKind
from surveys.team import Cadence, ChannelRef
from tests.builders import PULSE_STATEMENTS, T0, a_round, a_team, rich_settings


async def test_a_team_comes_back_exactly_as_stored(storage: UnitOfWorkFactory) -> None:
    team = replace(a_team(), settings=rich_settings())
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.commit()
    async with storage() as uow:
        assert await uow.teams.get(team.id) == team
        assert await uow.teams.by_channel(team.channel) == team
        assert await uow.teams.by_channel(ChannelRef("slack", "T1", "other")) is None
        assert await uow.teams.get("missing") is None
        assert await uow.teams.some([team.id, "missing"]) == {team.id: team}


async def test_team_updates_and_listing(storage: UnitOfWorkFactory) -> None:
    first, second = a_team(channel="C1"), a_team(channel="C2")
    async with storage() as uow:
        await uow.teams.add(first)
        await uow.teams.add(second)
        await uow.commit()
    changed = replace(first, paused=True, settings=replace(first.settings, cadence=Cadence.MONTHLY))
    async with storage() as uow:
        await uow.teams.update(changed)
        await uow.commit()
    async with storage() as uow:
        assert await uow.teams.get(first.id) == changed
        assert {t.id for t in await uow.teams.all()} == {first.id, second.id}


async def test_work_without_commit_is_discarded(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    async with storage() as uow:
        await uow.teams.add(team)
    async with storage() as uow:
        assert await uow.teams.get(team.id) is None


async def test_a_round_and_its_salt(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    round_ = a_round(team)
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.rounds.add(round_, salt=b"s" * 32)
        await uow.commit()
    async with storage() as uow:
        assert await uow.rounds.get(round_.id) == round_
        assert await uow.rounds.get(round_.id, lock="share") == round_
        assert await uow.rounds.get(round_.id, lock="update") == round_
        assert await uow.rounds.open_for_team(team.id) == round_
        assert await uow.rounds.all_open() == [round_]
        assert await uow.rounds.salt(round_.id) == b"s" * 32
        await uow.rounds.set_message_refs({round_.id: "ts-1"})
        await uow.rounds.mark_reminded(round_.id)
        await uow.commit()
    async with storage() as uow:
        stored = await uow.rounds.get(round_.id)
    assert stored == replace(round_, message_ref="ts-1", reminded=True)
    assert stored is not None
    assert stored.opened_at.utcoffset() == timedelta(0)


async def test_one_open_round_per_team(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    first = a_round(team)
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.rounds.add(first, salt=b"a" * 32)
        await uow.commit()
    with pytest.raises(RoundAlreadyOpen):
        async with storage() as uow:
            await uow.rounds.add(a_round(team), salt=b"b" * 32)
    async with storage() as uow:
        await uow.rounds.close(
            first.id, closed_at=T0 + timedelta(days=3), respondents=6, eligible=6
        )
        await uow.rounds.add(a_round(team, opened_at=T0 + timedelta(days=7)), salt=b"c" * 32)
        await uow.commit()


async def test_rounds_opened_together_in_one_unit_of_work(storage: UnitOfWorkFactory) -> None:
    busy, fresh, other = a_team(channel="C1"), a_team(channel="C2"), a_team(channel="C3")
    already = a_round(busy)
    async with storage() as uow:
        for team in (busy, fresh, other):
            await uow.teams.add(team)
        await uow.rounds.add(already, salt=b"a" * 32)
        await uow.commit()
    refused, first, second, third = a_round(busy), a_round(fresh), a_round(fresh), a_round(other)
    async with storage() as uow:
        added = await uow.rounds.add_all(
            [(refused, b"r" * 32), (first, b"f" * 32), (second, b"s" * 32), (third, b"t" * 32)]
        )
        # A round refused leaves the unit of work usable (on PostgreSQL too).
        assert added == {first.id, third.id}
        await uow.answers.prepare_all({first.id: ("include-1",), third.id: PULSE_STATEMENTS})
        await uow.participation.admit_all({first.id: ["m1", "m2"], third.id: ["m3"]})
        await uow.rosters.add_all({first.id: ["r1", "r2"], third.id: ["r3"]})
        await uow.commit()
    async with storage() as uow:
        assert await uow.rounds.open_for_team(fresh.id) == first
        assert await uow.rounds.open_for_team(busy.id) == already
        assert await uow.rounds.salt(third.id) == b"t" * 32
        entered = await uow.participation.enter(
            [Participant(first.id, "m2"), Participant(first.id, "m3"), Participant(third.id, "m3")]
        )
        assert entered == [Entry.COUNTED, Entry.NOT_A_MEMBER, Entry.COUNTED]
        await uow.answers.add([(first.id, [("include-1", 3)])])
        await uow.answers.seal(first.id)
        await uow.answers.seal(third.id)
        rosters = await uow.rosters.in_period(
            "slack", "T1", start=T0 - timedelta(days=1), end=T0 + timedelta(days=1)
        )
        await uow.commit()
    async with storage() as uow:
        counted = await uow.answers.histograms([first.id, third.id])
    assert counted == {first.id: {"include-1": (0, 0, 1, 0, 0)}}
    assert {round_id: set(r.members) for round_id, r in rosters.items()} == {
        first.id: {"r1", "r2"},
        third.id: {"r3"},
    }


async def test_closing_destroys_the_salt(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    round_ = a_round(team)
    closed_at = T0 + timedelta(days=3)
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.rounds.add(round_, salt=b"s" * 32)
        await uow.rounds.close(round_.id, closed_at=closed_at, respondents=7, eligible=6)
        await uow.commit()
    async with storage() as uow:
        assert await uow.rounds.salt(round_.id) is None
        assert await uow.rounds.open_for_team(team.id) is None
        assert await uow.rounds.all_open() == []
        assert await uow.rounds.get(round_.id) == replace(
            round_, closed_at=closed_at, respondents=7, eligible_respondents=6
        )


async def test_closed_rounds_newest_first(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    rounds = [a_round(team, opened_at=T0 + timedelta(weeks=w)) for w in range(5)]
    async with storage() as uow:
        await uow.teams.add(team)
        for r in rounds:
            await uow.rounds.add(r, salt=b"s" * 32)
            await uow.rounds.close(r.id, closed_at=r.closes_at, respondents=5, eligible=5)
        await uow.rounds.add(
            a_round(team, opened_at=T0 + timedelta(weeks=5), kind=RoundKind.BAROMETER),
            salt=b"s" * 32,
        )
        await uow.commit()
    async with storage() as uow:
        newest = await uow.rounds.closed(team.id, limit=3)
        before = await uow.rounds.closed(team.id, limit=10, before=rounds[2].opened_at)
        pulses = await uow.rounds.counts([team.id, "no rounds"], kind=RoundKind.PULSE)
        barometers = await uow.rounds.counts([team.id], kind=RoundKind.BAROMETER)
    assert [r.id for r in newest] == [rounds[4].id, rounds[3].id, rounds[2].id]
    assert [r.id for r in before] == [rounds[1].id, rounds[0].id]
    assert (pulses, barometers) == ({team.id: 5, "no rounds": 0}, {team.id: 1})


async def test_answers_are_counts_per_statement_and_value(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    first, second = a_round(team), a_round(team, opened_at=T0 + timedelta(weeks=1))
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.rounds.add(first, salt=b"s" * 32)
        await uow.answers.prepare(first.id, first.statement_ids)
        await uow.answers.add([(first.id, [("include-1", 4), ("learn-1", 2)])])
        await uow.answers.add([(first.id, [("include-1", 4), ("learn-1", 5)])])
        await uow.answers.seal(first.id)
        await uow.rounds.close(first.id, closed_at=T0, respondents=2, eligible=2)
        await uow.rounds.add(second, salt=b"s" * 32)
        await uow.answers.prepare(second.id, ("include-2",))
        await uow.answers.add([(second.id, [("include-2", 1)])])
        await uow.commit()
    async with storage() as uow:
        histograms = await uow.answers.histograms([first.id, second.id])
        assert await uow.answers.histograms([]) == {}
    assert histograms[first.id]["include-1"] == (0, 0, 0, 2, 0)
    assert histograms[first.id]["learn-1"] == (0, 1, 0, 0, 1)
    assert "challenge-1" not in histograms[first.id]  # asked, but nobody answered it
    # An open round's counts are not durable counts: it has none until it is sealed.
    assert second.id not in histograms
    async with storage() as uow:
        await uow.answers.seal(second.id)
        await uow.commit()
    async with storage() as uow:
        assert (await uow.answers.histograms([second.id]))[second.id] == {
            "include-2": (1, 0, 0, 0, 0)
        }


async def test_only_members_may_answer_and_viewers_are_counted_apart(
    storage: UnitOfWorkFactory,
) -> None:
    team = a_team()
    other = a_team(channel="C9")
    round_, older = a_round(team), a_round(other)
    async with storage() as uow:
        for t in (team, other):
            await uow.teams.add(t)
        await uow.rounds.add(round_, salt=b"s" * 32)
        await uow.rounds.add(older, salt=b"o" * 32)
        await uow.participation.admit(round_.id, ["m1", "m2", "m3"])
        await uow.commit()
    async with storage() as uow:
        assert (await uow.participation.enter([Participant(round_.id, "outsider")]))[
            0
        ] is Entry.NOT_A_MEMBER
        # A round opened before members were kept lets anyone answer, as it did then.
        assert (await uow.participation.enter([Participant(older.id, "anyone")]))[
            0
        ] is Entry.COUNTED
        assert (await uow.participation.enter([Participant(round_.id, "m1", True)]))[
            0
        ] is Entry.COUNTED
        assert (await uow.participation.enter([Participant(round_.id, "m2")]))[0] is Entry.COUNTED
        assert (await uow.participation.enter([Participant(round_.id, "m2")]))[
            0
        ] is Entry.ALREADY_ANSWERED
        assert await uow.participation.count(round_.id) == 2
        assert await uow.participation.viewers(round_.id) == 1
        await uow.participation.forget(round_.id)
        await uow.commit()
    async with storage() as uow:
        # Forgotten: no list any more.
        assert (await uow.participation.enter([Participant(round_.id, "outsider")]))[
            0
        ] is Entry.COUNTED
        assert await uow.participation.viewers(round_.id) == 0


async def test_participants_entered_together_each_get_their_own_outcome(
    storage: UnitOfWorkFactory,
) -> None:
    team, other = a_team(), a_team(channel="C9")
    round_, open_to_all = a_round(team), a_round(other)
    async with storage() as uow:
        for t in (team, other):
            await uow.teams.add(t)
        await uow.rounds.add(round_, salt=b"s" * 32)
        await uow.rounds.add(open_to_all, salt=b"o" * 32)
        await uow.participation.admit(round_.id, ["m1", "m2", "m3", "m4"])
        await uow.participation.enter([Participant(round_.id, "m1")])
        await uow.commit()
    async with storage() as uow:
        entries = await uow.participation.enter(
            [
                Participant(round_.id, "m1"),  # answered before
                Participant(round_.id, "m2", viewer=True),
                Participant(round_.id, "outsider"),
                Participant(open_to_all.id, "m2"),  # the same key, another round
                Participant(round_.id, "m2"),  # twice in one call: a second answer
                Participant(round_.id, "m3"),
            ]
        )
        assert await uow.participation.enter([]) == []
        await uow.commit()
    assert entries == [
        Entry.ALREADY_ANSWERED,
        Entry.COUNTED,
        Entry.NOT_A_MEMBER,
        Entry.COUNTED,
        Entry.ALREADY_ANSWERED,
        Entry.COUNTED,
    ]
    async with storage() as uow:
        assert await uow.participation.count(round_.id) == 3
        assert await uow.participation.viewers(round_.id) == 1
        assert await uow.participation.count(open_to_all.id) == 1


async def test_answers_counted_together_add_up_per_round(storage: UnitOfWorkFactory) -> None:
    team, other = a_team(), a_team(channel="C9")
    first, second = a_round(team), a_round(other)
    async with storage() as uow:
        for t, r in ((team, first), (other, second)):
            await uow.teams.add(t)
            await uow.rounds.add(r, salt=b"s" * 32)
            await uow.answers.prepare(r.id, r.statement_ids)
        await uow.answers.add(
            [
                (first.id, [("include-1", 4), ("learn-1", 2)]),
                (second.id, [("include-1", 1)]),
                (first.id, [("include-1", 4), ("learn-1", 5)]),
                (first.id, [("include-1", 3), ("include-1", 3)]),  # a pair once per person
            ]
        )
        await uow.answers.add([])
        for r in (first, second):
            await uow.answers.seal(r.id)
        await uow.commit()
    async with storage() as uow:
        histograms = await uow.answers.histograms([first.id, second.id])
    assert histograms[first.id]["include-1"] == (0, 0, 1, 2, 0)
    assert histograms[first.id]["learn-1"] == (0, 1, 0, 0, 1)
    assert histograms[second.id] == {"include-1": (1, 0, 0, 0, 0)}


async def test_batches_larger_than_one_statement_takes_are_stored_whole(
    storage: UnitOfWorkFactory,
) -> None:
    teams = [a_team(channel=f"C{n}") for n in range(15)]
    rounds = [a_round(team) for team in teams]
    async with storage() as uow:
        for team, round_ in zip(teams, rounds, strict=True):
            await uow.teams.add(team)
            await uow.rounds.add(round_, salt=b"s" * 32)
            await uow.answers.prepare(round_.id, round_.statement_ids)
        entries = await uow.participation.enter(
            [Participant(rounds[0].id, f"h{n}") for n in range(600)]
        )
        # Every value of every statement of 15 rounds: 300 different counts in one call.
        await uow.answers.add(
            [
                (round_.id, [(statement, value) for statement in round_.statement_ids])
                for round_ in rounds
                for value in range(1, 6)
            ]
        )
        for round_ in rounds:
            await uow.answers.seal(round_.id)
        await uow.commit()
    assert entries == [Entry.COUNTED] * 600
    async with storage() as uow:
        assert await uow.participation.count(rounds[0].id) == 600
        histograms = await uow.answers.histograms([r.id for r in rounds])
    assert {
        histogram for statements in histograms.values() for histogram in statements.values()
    } == {(1, 1, 1, 1, 1)}
    assert sum(len(statements) for statements in histograms.values()) == sum(
        len(r.statement_ids) for r in rounds
    )


async def test_ballots_of_several_rounds_in_one_read(storage: UnitOfWorkFactory) -> None:
    team, other = a_team(), a_team(channel="C9")
    first, second = a_round(team), a_round(other)
    async with storage() as uow:
        for t, r in ((team, first), (other, second)):
            await uow.teams.add(t)
            await uow.rounds.add(r, salt=b"s" * 32)
        await uow.participation.enter([Participant(second.id, "h1")])
        await uow.commit()
    async with storage() as uow:
        ballots = await uow.rounds.ballots({first.id, second.id, "no-such-round"})
        assert await uow.rounds.ballots(set()) == {}
    assert ballots == {
        first.id: Ballot(first, team, b"s" * 32, 0),
        second.id: Ballot(second, other, b"s" * 32, 1),
    }


async def test_a_ballot_is_the_round_its_team_its_salt_and_its_count(
    storage: UnitOfWorkFactory,
) -> None:
    team = a_team()
    round_ = a_round(team)
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.rounds.add(round_, salt=b"s" * 32)
        await uow.participation.enter([Participant(round_.id, "h1")])
        await uow.participation.enter([Participant(round_.id, "h2")])
        await uow.commit()
    async with storage() as uow:
        assert await uow.rounds.ballots({round_.id, "no-such-round"}, lock=False) == {
            round_.id: Ballot(round_, team, b"s" * 32, 2)
        }
        await uow.rounds.close(
            round_.id, closed_at=T0 + timedelta(hours=1), respondents=2, eligible=2
        )
        await uow.participation.forget(round_.id)
        await uow.commit()
    async with storage() as uow:
        ballot = (await uow.rounds.ballots([round_.id]))[round_.id]
        assert (ballot.round.closed_at, ballot.salt, ballot.respondents) == (
            T0 + timedelta(hours=1),
            None,
            0,
        )


async def test_a_lost_round_restarts_with_a_new_salt_and_nothing_of_before(
    storage: UnitOfWorkFactory,
) -> None:
    team = a_team()
    round_ = a_round(team)
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.rounds.add(round_, salt=b"s" * 32)
        await uow.answers.prepare(round_.id, round_.statement_ids)
        await uow.participation.enter([Participant(round_.id, "h1")])
        await uow.commit()
    async with storage() as uow:
        assert await uow.rounds.lost() == []
        await uow.rounds.restart(round_.id, salt=b"n" * 32, at=T0 + timedelta(hours=1))
        await uow.commit()
    async with storage() as uow:
        assert await uow.rounds.salt(round_.id) == b"n" * 32
        assert await uow.participation.count(round_.id) == 0
        restarted = await uow.rounds.get(round_.id)
        assert restarted is not None
        assert restarted.restarted_at == T0 + timedelta(hours=1)


async def test_participation_is_a_set_of_hashes(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    round_ = a_round(team)
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.rounds.add(round_, salt=b"s" * 32)
        assert (await uow.participation.enter([Participant(round_.id, "h1")]))[0] is Entry.COUNTED
        assert (await uow.participation.enter([Participant(round_.id, "h1")]))[
            0
        ] is Entry.ALREADY_ANSWERED
        assert (await uow.participation.enter([Participant(round_.id, "h2")]))[0] is Entry.COUNTED
        await uow.commit()
    async with storage() as uow:
        assert await uow.participation.count(round_.id) == 2
        assert await uow.participation.among(round_.id, ["h1", "h3"]) == {"h1"}
        many = [f"x{i}" for i in range(1200)]
        assert await uow.participation.among(round_.id, [*many, "h2"]) == {"h2"}
        await uow.participation.forget(round_.id)
        await uow.commit()
    async with storage() as uow:
        assert await uow.participation.count(round_.id) == 0


async def test_hack_log(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    entries = [
        HackLogEntry(
            id=f"e{i}",
            team_id=team.id,
            hack_id=f"hack-{i}",
            event=HackEvent.DONE if i % 3 == 0 else HackEvent.SUGGESTED,
            at=T0 + timedelta(days=i),
        )
        for i in range(8)
    ]
    async with storage() as uow:
        await uow.teams.add(team)
        for entry in entries:
            await uow.hacks.add(entry)
        await uow.commit()
    async with storage() as uow:
        recent = await uow.hacks.recent(team.id, event=HackEvent.SUGGESTED, limit=3)
        window = await uow.hacks.between(team.id, T0 + timedelta(days=2), T0 + timedelta(days=4))
    assert [e.hack_id for e in recent] == ["hack-7", "hack-5", "hack-4"]
    assert [e.hack_id for e in window] == ["hack-2", "hack-3", "hack-4"]
    assert window[1] == entries[3]


async def test_the_hack_logs_of_several_teams_in_one_read(storage: UnitOfWorkFactory) -> None:
    team, other, quiet = a_team(channel="C1"), a_team(channel="C2"), a_team(channel="C3")
    entries = [
        HackLogEntry(
            id=f"e{i}",
            team_id=(team, other)[i % 2].id,
            hack_id=f"hack-{i}",
            event=HackEvent.SUGGESTED,
            at=T0 + timedelta(days=10 - i),
        )
        for i in range(6)
    ]
    async with storage() as uow:
        for t in (team, other, quiet):
            await uow.teams.add(t)
        for entry in entries:
            await uow.hacks.add(entry)
        await uow.commit()
    async with storage() as uow:
        logs = await uow.hacks.of_teams(
            [team.id, other.id, quiet.id], T0 + timedelta(days=5), T0 + timedelta(days=9)
        )
    assert logs == {
        team.id: [entries[4], entries[2]],
        other.id: [entries[5], entries[3], entries[1]],
        quiet.id: [],
    }


async def test_every_hack_event_and_a_did_it_help_item_are_stored(
    storage: UnitOfWorkFactory,
) -> None:
    team = a_team()
    entries = [
        HackLogEntry(f"e{i}", team.id, "keep-try-feedback", kind, T0 + timedelta(days=i))
        for i, kind in enumerate(HackEvent)
    ]
    item = helped_item("a" * 33)  # the longest a hack id may be (content/schema.py)
    round_ = a_round(team, statements=(*PULSE_STATEMENTS, item))
    async with storage() as uow:
        await uow.teams.add(team)
        for entry in entries:
            await uow.hacks.add(entry)
        await uow.rounds.add(round_, salt=b"s" * 32)
        await uow.answers.prepare(round_.id, round_.statement_ids)
        await uow.answers.add([(round_.id, [(s, 4) for s in sorted(round_.statement_ids)])])
        await uow.answers.seal(round_.id)
        await uow.commit()
    async with storage() as uow:
        stored = await uow.hacks.between(team.id, T0, T0 + timedelta(days=9))
        counts = await uow.answers.histograms([round_.id])
    assert stored == entries
    assert counts[round_.id][item] == (0, 0, 0, 1, 0)


async def test_a_claim_is_won_once(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    slot = T0 + timedelta(days=7)
    async with storage() as uow:
        await uow.teams.add(team)
        assert await uow.claims.claim(team.id, Act.OPEN, slot, at=T0) is True
        await uow.commit()
    async with storage() as uow:
        assert await uow.claims.claim(team.id, Act.OPEN, slot, at=T0) is False
        assert await uow.claims.claim(team.id, Act.CLOSE, slot, at=T0) is True
        assert await uow.claims.status(team.id, Act.OPEN, slot) is ClaimStatus.CLAIMED
        await uow.claims.set_status(team.id, Act.OPEN, slot, ClaimStatus.SENT, at=T0)
        await uow.commit()
    async with storage() as uow:
        assert await uow.claims.status(team.id, Act.OPEN, slot) is ClaimStatus.SENT
        assert await uow.claims.status(team.id, Act.REMIND, slot) is None


async def test_claims_asked_together_are_each_won_once(storage: UnitOfWorkFactory) -> None:
    team, other = a_team(), a_team(channel="C2")
    slot = T0 + timedelta(days=7)
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.teams.add(other)
        assert await uow.claims.claim(team.id, Act.OPEN, slot, at=T0)
        await uow.commit()
    asked = [
        Claim(team.id, Act.OPEN, slot, at=T0),  # taken before
        Claim(other.id, Act.OPEN, slot, at=T0, status=ClaimStatus.SENDING),
        Claim(team.id, Act.CLOSE, slot, at=T0),  # the same team, another act
        Claim(other.id, Act.OPEN, slot + timedelta(days=7), at=T0),  # another slot
    ]
    async with storage() as uow:
        assert await uow.claims.claim_all(asked) == [False, True, True, True]
        assert await uow.claims.claim_all([]) == []
        await uow.commit()
    async with storage() as uow:
        assert await uow.claims.claim_all(asked[1:2]) == [False]
        assert await uow.claims.status(other.id, Act.OPEN, slot) is ClaimStatus.SENDING


async def test_racing_claims_and_participation_have_one_winner(engine: AsyncEngine) -> None:
    storage = SqlStorage(engine)
    team = a_team()
    round_ = a_round(team)
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.rounds.add(round_, salt=b"s" * 32)
        await uow.commit()

    async def claim() -> bool:
        async with storage() as uow:
            won = await uow.claims.claim(team.id, Act.OPEN, T0, at=T0)
            await uow.commit()
            return won

    async def participate() -> bool:
        async with storage() as uow:
            added = (await uow.participation.enter([Participant(round_.id, "same-person")]))[0]
            await uow.commit()
            return added is Entry.COUNTED

    claims = await asyncio.gather(*(claim() for _ in range(6)))
    adds = await asyncio.gather(*(participate() for _ in range(6)))
    assert sorted(claims) == [False] * 5 + [True]
    assert sorted(adds) == [False] * 5 + [True]


async def test_a_discarded_round_leaves_nothing(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    round_ = a_round(team)
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.rounds.add(round_, salt=b"s" * 32)
        await uow.answers.prepare(round_.id, round_.statement_ids)
        await uow.participation.enter([Participant(round_.id, "h")])
        await uow.commit()
    async with storage() as uow:
        await uow.rounds.discard(round_.id)
        await uow.commit()
    async with storage() as uow:
        assert await uow.rounds.get(round_.id) is None
        assert await uow.rounds.salt(round_.id) is None
        assert await uow.rounds.open_for_team(team.id) is None
        assert await uow.answers.histograms([round_.id]) == {}
        assert await uow.participation.count(round_.id) == 0


def _address(channel: str, *, group: str = "G1", name: str = "", at: int = 0) -> ChannelAddress:
    return ChannelAddress(
        channel=ChannelRef("teams", "tenant-1", channel),
        group_id=group,
        service_url="https://smba.example/emea/",
        updated_at=T0 + timedelta(minutes=at),
        name=name,
        reference={"conversation": {"id": channel, "tenantId": "tenant-1"}, "channelId": "msteams"},
    )


async def test_channel_addresses_are_kept_per_channel(storage: UnitOfWorkFactory) -> None:
    general, planning = (
        _address("19:a@thread", name="General"),
        _address("19:b@thread", name="Plan"),
    )
    async with storage() as uow:
        await uow.addresses.save(general)
        await uow.addresses.save(planning)
        await uow.addresses.save(_address("19:c@thread", group="G2"))
        await uow.commit()
    async with storage() as uow:
        assert await uow.addresses.get(general.channel) == general
        assert await uow.addresses.get(ChannelRef("teams", "tenant-2", "19:a@thread")) is None
        assert await uow.addresses.get(ChannelRef("slack", "tenant-1", "19:a@thread")) is None
        group = await uow.addresses.in_group("teams", "tenant-1", "G1")
        assert group == [general, planning]
        assert await uow.addresses.in_group("teams", "tenant-2", "G1") == []


async def test_saving_an_address_again_replaces_it(storage: UnitOfWorkFactory) -> None:
    first = _address("19:a@thread", name="General")
    renamed = replace(first, name="Allmänt", service_url="https://smba.example/amer/")
    async with storage() as uow:
        await uow.addresses.save(first)
        await uow.commit()
    async with storage() as uow:
        assert await uow.addresses.get(first.channel) == first
        await uow.addresses.save(replace(renamed, updated_at=T0 + timedelta(hours=1)))
        assert (await uow.addresses.get(first.channel)) == replace(
            renamed, updated_at=T0 + timedelta(hours=1)
        )
        await uow.commit()
    async with storage() as uow:
        stored = await uow.addresses.get(first.channel)
    assert stored == replace(renamed, updated_at=T0 + timedelta(hours=1))
    assert stored is not None
    assert stored.updated_at.utcoffset() == timedelta(0)


async def test_forgetting_channels_and_groups(storage: UnitOfWorkFactory) -> None:
    addresses = [_address(f"19:{n}@thread", name=str(n)) for n in range(3)]
    other = _address("19:x@thread", group="G2")
    async with storage() as uow:
        for address in [*addresses, other]:
            await uow.addresses.save(address)
        await uow.commit()
    async with storage() as uow:
        await uow.addresses.remove(addresses[0].channel)
        await uow.addresses.remove(ChannelRef("teams", "tenant-1", "19:never@thread"))
        await uow.commit()
    async with storage() as uow:
        assert await uow.addresses.in_group("teams", "tenant-1", "G1") == addresses[1:]
        assert await uow.addresses.remove_group("teams", "tenant-1", "G1") == 2
        assert await uow.addresses.remove_group("teams", "tenant-1", "G1") == 0
        await uow.commit()
    async with storage() as uow:
        assert await uow.addresses.in_group("teams", "tenant-1", "G1") == []
        assert await uow.addresses.get(other.channel) == other


async def test_a_stale_claim_can_be_taken_over_once(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    slot = T0 + timedelta(days=3)
    claimed_at = slot + timedelta(seconds=1)
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.claims.claim(team.id, Act.CLOSE, slot, at=claimed_at)
        await uow.claims.set_status(team.id, Act.CLOSE, slot, ClaimStatus.SENDING, at=claimed_at)
        await uow.claims.claim(team.id, Act.OPEN, slot, at=claimed_at)
        await uow.claims.set_status(team.id, Act.OPEN, slot, ClaimStatus.SENT, at=claimed_at)
        await uow.commit()
    later = claimed_at + timedelta(minutes=30)
    async with storage() as uow:
        # Not stale yet: the claimer may still be working.
        assert not await uow.claims.take_over(
            team.id, Act.CLOSE, slot, at=later, stale_before=claimed_at
        )
        assert await uow.claims.take_over(
            team.id, Act.CLOSE, slot, at=later, stale_before=later - timedelta(minutes=10)
        )
        # Taken over once: the claim is fresh again.
        assert not await uow.claims.take_over(
            team.id, Act.CLOSE, slot, at=later, stale_before=later - timedelta(minutes=10)
        )
        # A finished act is never taken over.
        assert not await uow.claims.take_over(team.id, Act.OPEN, slot, at=later, stale_before=later)
        assert not await uow.claims.take_over(
            team.id, Act.REMIND, slot, at=later, stale_before=later
        )
        await uow.commit()
    async with storage() as uow:
        assert await uow.claims.status(team.id, Act.CLOSE, slot) is ClaimStatus.CLAIMED


async def test_a_failed_claim_is_tried_again_once_after_its_back_off(
    storage: UnitOfWorkFactory,
) -> None:
    team = a_team()
    slot = T0 + timedelta(days=3)
    failed_at = slot + timedelta(seconds=1)
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.claims.claim(team.id, Act.CLOSE, slot, at=failed_at)
        await uow.claims.set_status(team.id, Act.CLOSE, slot, ClaimStatus.FAILED, at=failed_at)
        await uow.claims.claim(team.id, Act.OPEN, slot, at=failed_at)
        await uow.claims.set_status(team.id, Act.OPEN, slot, ClaimStatus.SENDING, at=failed_at)
        await uow.commit()
    later = failed_at + timedelta(minutes=2)
    async with storage() as uow:
        # Its back-off is not over yet.
        assert not await uow.claims.retry_failed(
            team.id, Act.CLOSE, slot, at=later, failed_before=failed_at
        )
        assert await uow.claims.retry_failed(
            team.id, Act.CLOSE, slot, at=later, failed_before=later
        )
        # Claimed again once: the claim is no longer failed.
        assert not await uow.claims.retry_failed(
            team.id, Act.CLOSE, slot, at=later, failed_before=later
        )
        # Only a failed act: one under way, or never claimed, is not retried.
        assert not await uow.claims.retry_failed(
            team.id, Act.OPEN, slot, at=later, failed_before=later
        )
        assert not await uow.claims.retry_failed(
            team.id, Act.REMIND, slot, at=later, failed_before=later
        )
        await uow.commit()
    async with storage() as uow:
        assert await uow.claims.status(team.id, Act.CLOSE, slot) is ClaimStatus.CLAIMED
        assert await uow.claims.status(team.id, Act.OPEN, slot) is ClaimStatus.SENDING


async def test_participation_among_a_channels_worth(storage: UnitOfWorkFactory) -> None:
    """A reminder asks about a whole channel at once: the answer is exact at any size."""
    team = a_team()
    round_ = a_round(team)
    members = [f"m{i:04d}" for i in range(2000)]
    answered = set(members[::3])
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.rounds.add(round_, salt=b"s" * 32)
        for key in sorted(answered):
            await uow.participation.enter([Participant(round_.id, key)])
        await uow.commit()
    async with storage() as uow:
        assert await uow.participation.among(round_.id, members) == answered
        assert await uow.participation.among(round_.id, members[:10]) == answered & set(
            members[:10]
        )
        assert await uow.participation.among(round_.id, ["nobody", *members[1::3]]) == set()
        assert await uow.participation.among(round_.id, []) == set()
