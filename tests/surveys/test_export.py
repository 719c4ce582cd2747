"""A team's export on every storage: aggregates of closed rounds, through the anonymity gate."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import timedelta

import pytest

from app.exports import render
from bot.memory_chat import MemoryChat
from content.schema import ContentPack
from surveys.anonymity import RoundSummary, WithheldReason, WithheldSummary
from surveys.errors import TeamNotSetUp
from surveys.export import NothingToExport, export_team
from surveys.manual_clock import ManualClock
from surveys.ports import UnitOfWorkFactory
from surveys.rounds import Round, RoundKind
from surveys.service import PulseService
from surveys.team import ChannelRef, Team, TeamSettings
from tests.builders import T0

MEMBERS = [f"U{i}" for i in range(1, 10)]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def chat() -> MemoryChat:
    return MemoryChat(members=list(MEMBERS))


@pytest.fixture
def service(
    storage: UnitOfWorkFactory, clock: ManualClock, content: ContentPack, chat: MemoryChat
) -> PulseService:
    return PulseService(
        unit_of_work=storage,
        clock=clock,
        chat=chat,
        content=content,
        secret_key=b"k" * 32,
    )


async def _round(
    service: PulseService,
    clock: ManualClock,
    team: Team,
    values: list[int],
    *,
    kind: RoundKind = RoundKind.PULSE,
) -> Round:
    """A closed round where person n answers values[n] to every statement."""
    round_ = await service.open_round(team.id, kind=kind)
    for person, value in zip(MEMBERS, values, strict=False):
        await service.submit(
            round_.id, user_id=person, answers=dict.fromkeys(round_.statement_ids, value)
        )
    clock.advance(hours=72)
    await service.close_round(round_.id)
    clock.advance(days=4)
    return round_


async def test_reportable_rounds_carry_numbers_and_withheld_ones_none(
    service: PulseService, storage: UnitOfWorkFactory, clock: ManualClock, content: ContentPack
) -> None:
    team = await service.set_up_team(ChannelRef("slack", "T1", "C1"), TeamSettings())
    first = await _round(service, clock, team, [4, 4, 4, 5, 5])
    withheld = await _round(service, clock, team, [1, 1, 1, 1])
    barometer = await _round(service, clock, team, [2, 3, 4, 4, 5, 5], kind=RoundKind.BAROMETER)
    await service.open_round(team.id)  # open rounds are not exported

    export = await export_team(storage, content, team.id)

    assert export.team == await service.team(team.id)
    assert [r.opened_at for r in export.rounds] == [
        first.opened_at,
        withheld.opened_at,
        barometer.opened_at,
    ]
    reported, hidden, full = export.rounds
    assert isinstance(reported.result, RoundSummary)
    shown = await service.result(first.id)
    assert isinstance(shown, RoundSummary)
    # The same scores the summary showed (the export compares no round with another).
    assert {k: p.score for k, p in reported.result.pillars.items()} == {
        k: p.score for k, p in shown.pillars.items()
    }
    assert reported.result.respondents == 5
    assert [s.statement_id for s in reported.statements] == list(first.statement_ids)
    assert all(s.answers == 5 for s in reported.statements)
    assert all(s.mean == pytest.approx(4.4) for s in reported.statements)
    assert [s.pillar for s in reported.statements] == [
        content.statement(s).pillar for s in first.statement_ids
    ]
    assert isinstance(hidden.result, WithheldSummary)
    assert hidden.statements == ()
    assert isinstance(full.result, RoundSummary)
    assert full.result.kind is RoundKind.BAROMETER
    assert len(full.statements) == len([s for s in content.statements if not s.retired])
    reverse = [s for s in full.statements if s.reverse]
    assert reverse
    assert all(s.mean == pytest.approx(23 / 6) for s in full.statements)


async def test_nothing_to_export_below_k(
    service: PulseService, storage: UnitOfWorkFactory, clock: ManualClock, content: ContentPack
) -> None:
    team = await service.set_up_team(ChannelRef("slack", "T1", "C1"), TeamSettings())
    with pytest.raises(NothingToExport):
        await export_team(storage, content, team.id)
    await _round(service, clock, team, [5, 5, 5, 5])
    with pytest.raises(NothingToExport):
        await export_team(storage, content, team.id)
    with pytest.raises(TeamNotSetUp):
        await export_team(storage, content, "no-such-team")


async def test_a_long_history_is_read_in_chunks(
    service: PulseService,
    storage: UnitOfWorkFactory,
    clock: ManualClock,
    content: ContentPack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("surveys.export._CHUNK", 2)
    team = await service.set_up_team(
        ChannelRef("slack", "T1", "C1"), TeamSettings(min_respondents=3)
    )
    for _ in range(3):
        await _round(service, clock, team, [3, 3, 3])
    clock.advance(days=1)
    export = await export_team(storage, content, team.id)
    assert len(export.rounds) == 3
    assert all(isinstance(r.result, RoundSummary) for r in export.rounds)
    assert all(len(r.statements) == 4 for r in export.rounds)
    assert all(r.opened_at < clock.now() - timedelta(days=1) for r in export.rounds)


async def test_a_withheld_round_is_exported_with_its_reason_and_no_number(
    service: PulseService, storage: UnitOfWorkFactory, clock: ManualClock, content: ContentPack
) -> None:
    # One rule with the summary and the trend: a withheld round says why, and no count.
    team = await service.set_up_team(ChannelRef("slack", "T1", "C1"), TeamSettings())
    await _round(service, clock, team, [4, 4, 4, 5, 5, 5, 2])
    await _round(service, clock, team, [1, 1, 1, 1])
    export = await export_team(storage, content, team.id)
    reported, hidden = export.rounds
    assert isinstance(hidden.result, WithheldSummary)
    overlap = replace(hidden, result=replace(hidden.result, reason=WithheldReason.OVERLAP))
    export = replace(export, rounds=(reported, hidden, overlap))

    document = json.loads(render(export, "json"))
    withheld = document["rounds"][1:]
    assert [r.pop("withheld_reason") for r in withheld] == ["too-few", "overlap"]
    for r in withheld:
        assert set(r) == {"opened_at", "closed_at", "kind", "status"}
        assert r["status"] == "withheld"

    rows = list(csv.DictReader(io.StringIO(render(export, "csv"))))
    bare = [row for row in rows if row["status"] == "withheld"]
    assert [row["withheld_reason"] for row in bare] == ["too-few", "overlap"]
    for row in bare:
        filled = {column for column, value in row.items() if value}
        assert filled == {"opened_at", "closed_at", "kind", "status", "withheld_reason"}
    assert {row["respondents"] for row in rows if row["status"] == "reported"} == {"7"}
    assert all(row["withheld_reason"] == "" for row in rows if row["status"] == "reported")


async def test_lowering_k_exports_no_round_that_was_withheld(
    service: PulseService, storage: UnitOfWorkFactory, clock: ManualClock, content: ContentPack
) -> None:
    # The gate of the summary and the trend: max(k at opening, k now).
    channel = ChannelRef("slack", "T1", "C1")
    team = await service.set_up_team(channel, TeamSettings(min_respondents=5))
    await _round(service, clock, team, [4, 4, 4, 4, 4])
    below = await _round(service, clock, team, [2, 2, 2])  # 3 answers under k = 5
    team = await service.set_up_team(channel, TeamSettings(min_respondents=3))
    after = await _round(service, clock, team, [3, 3, 3])  # 3 answers under k = 3

    export = await export_team(storage, content, team.id)
    by_round = {r.result.round_id: r for r in export.rounds}
    withheld = by_round[below.id]
    assert isinstance(withheld.result, WithheldSummary)
    assert withheld.result.reason is WithheldReason.TOO_FEW
    assert withheld.statements == ()
    assert isinstance(by_round[after.id].result, RoundSummary)
    assert '"respondents": 3' in render(export, "json")  # the round opened under k = 3 only
    assert render(export, "json").count('"respondents": 3') == 1


async def test_a_round_withheld_for_overlap_is_exported_without_a_number(
    service: PulseService,
    storage: UnitOfWorkFactory,
    clock: ManualClock,
    content: ContentPack,
    chat: MemoryChat,
) -> None:
    # Two teams of one workspace whose channels differ by one person, in the same week.
    team = await service.set_up_team(ChannelRef("slack", "T1", "C1"), TeamSettings())
    other = await service.set_up_team(ChannelRef("slack", "T1", "C2"), TeamSettings())
    mine = await service.open_round(team.id)
    chat.members = list(MEMBERS[:8])
    theirs = await service.open_round(other.id)
    for round_, people in ((mine, MEMBERS), (theirs, MEMBERS[:8])):
        for person in people:
            await service.submit(
                round_.id, user_id=person, answers=dict.fromkeys(round_.statement_ids, 4)
            )
    clock.advance(hours=72)
    for round_ in (mine, theirs):
        await service.close_round(round_.id)
    await _round(service, clock, team, [4, 4, 4, 4, 4])  # something to export

    exported = {r.result.round_id: r for r in (await export_team(storage, content, team.id)).rounds}
    hidden = exported[mine.id]
    assert isinstance(hidden.result, WithheldSummary)
    assert hidden.result.reason is WithheldReason.OVERLAP
    assert hidden.statements == ()
    document = json.loads(render(await export_team(storage, content, team.id), "json"))
    first = document["rounds"][0]
    assert first == {
        "opened_at": first["opened_at"],
        "closed_at": first["closed_at"],
        "kind": "pulse",
        "status": "withheld",
        "withheld_reason": "overlap",
    }
