"""The prediction repository's contract, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from content.schema import PillarKey
from surveys.lifecycle import TeamLifecycle
from surveys.manual_clock import ManualClock
from surveys.ports import UnitOfWorkFactory
from surveys.prediction import Prediction
from surveys.rounds import Round
from surveys.team import Team
from tests.builders import T0, a_round, a_team

GUESS = {PillarKey.INCLUDE: 4, PillarKey.LEARN: 3, PillarKey.CONTRIBUTE: 5, PillarKey.CHALLENGE: 2}


async def _round(storage: UnitOfWorkFactory, team: Team | None = None, **kwargs: object) -> Round:
    team = team or a_team()
    round_ = a_round(team, **kwargs)  # type: ignore[arg-type]
    async with storage() as uow:
        if await uow.teams.get(team.id) is None:
            await uow.teams.add(team)
        await uow.rounds.add(round_, salt=b"s" * 32)
        await uow.commit()
    return round_


def _guess(round_: Round, leader: str, **changes: int) -> Prediction:
    values = {**GUESS, **{PillarKey(k): v for k, v in changes.items()}}
    return Prediction(round_id=round_.id, team_id=round_.team_id, leader_id=leader, values=values)


async def _save(storage: UnitOfWorkFactory, *predictions: Prediction) -> None:
    async with storage() as uow:
        for prediction in predictions:
            await uow.predictions.save(prediction)
        await uow.commit()


async def _for_round(storage: UnitOfWorkFactory, round_: Round) -> list[Prediction]:
    async with storage() as uow:
        return await uow.predictions.for_round(round_.id)


async def test_a_prediction_comes_back_as_saved(storage: UnitOfWorkFactory) -> None:
    round_ = await _round(storage)
    await _save(storage, _guess(round_, "U-lead"))
    async with storage() as uow:
        assert await uow.predictions.of_leader(round_.id, "U-lead") == _guess(round_, "U-lead")
        assert await uow.predictions.of_leader(round_.id, "U-other") is None
        assert await uow.predictions.of_leader("no-such-round", "U-lead") is None


async def test_a_second_prediction_replaces_the_first(storage: UnitOfWorkFactory) -> None:
    round_ = await _round(storage)
    await _save(storage, _guess(round_, "U-lead"))
    await _save(storage, _guess(round_, "U-lead", learn=1))
    assert await _for_round(storage, round_) == [_guess(round_, "U-lead", learn=1)]


async def test_each_leader_has_their_own_per_round(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    first = await _round(storage, team)
    async with storage() as uow:
        await uow.rounds.close(first.id, closed_at=first.closes_at, respondents=0, eligible=0)
        await uow.commit()
    second = await _round(storage, team, opened_at=T0 + timedelta(days=7))
    await _save(
        storage, _guess(second, "U-b"), _guess(second, "U-a", include=1), _guess(first, "U-a")
    )
    assert await _for_round(storage, second) == [
        _guess(second, "U-a", include=1),
        _guess(second, "U-b"),
    ]
    assert await _for_round(storage, first) == [_guess(first, "U-a")]


async def test_nothing_is_kept_without_the_work_being_committed(
    storage: UnitOfWorkFactory,
) -> None:
    round_ = await _round(storage)
    async with storage() as uow:
        await uow.predictions.save(_guess(round_, "U-lead"))
    assert await _for_round(storage, round_) == []


async def test_a_prediction_needs_its_round(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    ghost = a_round(team)
    async with storage() as uow:
        await uow.teams.add(team)
        await uow.commit()
    async with storage() as uow:
        # The foreign key refuses it (the memory fake raises KeyError).
        with pytest.raises(Exception):  # noqa: B017, PT011
            await uow.predictions.save(_guess(ghost, "U-lead"))


async def test_predictions_go_with_their_round(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    old = await _round(storage, team)
    async with storage() as uow:
        await uow.rounds.close(old.id, closed_at=old.closes_at, respondents=0, eligible=0)
        await uow.commit()
    kept = await _round(storage, team, opened_at=T0 + timedelta(days=400))
    await _save(storage, _guess(old, "U-lead"), _guess(kept, "U-lead"))
    async with storage() as uow:
        # The retention purge removes closed rounds; their predictions go with them.
        assert await uow.rounds.remove_closed_before(team.id, T0 + timedelta(days=30)) == 1
        await uow.commit()
    assert await _for_round(storage, old) == []
    assert await _for_round(storage, kept) == [_guess(kept, "U-lead")]


async def test_predictions_go_with_their_team(storage: UnitOfWorkFactory) -> None:
    gone, stays = a_team(channel="C1"), a_team(channel="C2")
    in_gone, in_stays = await _round(storage, gone), await _round(storage, stays)
    await _save(storage, _guess(in_gone, "U-lead"), _guess(in_stays, "U-lead"))
    async with storage() as uow:
        await uow.teams.remove(gone.id)
        await uow.commit()
    assert await _for_round(storage, in_gone) == []
    assert await _for_round(storage, in_stays) == [_guess(in_stays, "U-lead")]


async def test_remove_team_deletes_only_that_teams(storage: UnitOfWorkFactory) -> None:
    one, other = a_team(channel="C1"), a_team(channel="C2")
    in_one, in_other = await _round(storage, one), await _round(storage, other)
    await _save(storage, _guess(in_one, "U-a"), _guess(in_one, "U-b"), _guess(in_other, "U-a"))
    async with storage() as uow:
        assert await uow.predictions.remove_team(one.id) == 2
        await uow.commit()
    assert await _for_round(storage, in_one) == []
    assert await _for_round(storage, in_other) == [_guess(in_other, "U-a")]


async def test_switching_a_team_off_deletes_its_predictions(storage: UnitOfWorkFactory) -> None:
    team = a_team()
    round_ = await _round(storage, team)
    await _save(storage, _guess(round_, "U-lead"))
    lifecycle = TeamLifecycle(unit_of_work=storage, clock=ManualClock(T0))
    assert await lifecycle.deactivate_workspace("slack", "T1") == 1
    assert await _for_round(storage, round_) == []
