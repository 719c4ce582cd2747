"""Ending a round: one transaction turns the open-round store into a closed round's aggregate."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from surveys.ports import UnitOfWork
from surveys.rounds import Round


async def seal(
    uow: UnitOfWork, round_: Round, *, at: datetime, min_respondents: int, withhold: bool = False
) -> Round:
    """Close `round_` in `uow`; the caller commits. Its salt, members and participation
    hashes are deleted. Its counts become one durable aggregate, unless the round can never
    be shown (fewer than k at close, or `withhold`: the overlap rule): then they are deleted
    too, as a one-person round's counts would be that person's answers."""
    respondents = await uow.participation.count(round_.id)
    eligible = respondents - await uow.participation.viewers(round_.id)
    k = max(min_respondents, round_.min_respondents or 0)
    if withhold or eligible < k:
        await uow.answers.discard(round_.id)
    else:
        await uow.answers.seal(round_.id)
    await uow.rounds.close(round_.id, closed_at=at, respondents=respondents, eligible=eligible)
    await uow.participation.forget(round_.id)
    return replace(round_, closed_at=at, respondents=respondents, eligible_respondents=eligible)
