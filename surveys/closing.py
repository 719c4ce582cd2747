"""Ending a round: one transaction turns the open-round store into a closed round's aggregate."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from surveys.ports import UnitOfWork
from surveys.rounds import Round


async def seal(uow: UnitOfWork, round_: Round, *, at: datetime) -> Round:
    """Close `round_` in `uow`: its counts become one durable aggregate, and its salt, members
    and participation hashes are deleted; the caller commits."""
    respondents = await uow.participation.count(round_.id)
    eligible = respondents - await uow.participation.viewers(round_.id)
    await uow.answers.seal(round_.id)
    await uow.rounds.close(round_.id, closed_at=at, respondents=respondents, eligible=eligible)
    await uow.participation.forget(round_.id)
    return replace(round_, closed_at=at, respondents=respondents, eligible_respondents=eligible)
