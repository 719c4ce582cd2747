"""Hand-made trends for the chart's tests: weekly rounds, scores, withheld rounds, hacks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from content.schema import PillarKey
from surveys.anonymity import PillarResult, RoundResult, RoundSummary, WithheldSummary
from surveys.hack_cycle import HackPeriod
from surveys.rounds import RoundKind
from surveys.scoring import Change, PillarScore
from surveys.trend import HackDone, Trend, TrendPoint

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
WEEK = timedelta(weeks=1)
HACK = "check-in-round"  # an include hack in the built-in pack


def summary(
    scores: Mapping[PillarKey, float],
    *,
    changes: Mapping[PillarKey, Change] | None = None,
    round_id: str = "r",
) -> RoundSummary:
    return RoundSummary(
        round_id=round_id,
        kind=RoundKind.PULSE,
        closed_at=T0,
        respondents=6,
        channel_size=9,
        pillars={
            key: PillarResult(
                score=PillarScore(
                    pillar=key, score=score, favourable=50.0, answers=6, standard_error=5.0
                ),
                change=(changes or {}).get(key),
            )
            for key, score in scores.items()
        },
    )


def everywhere(score: float) -> RoundSummary:
    return summary(dict.fromkeys(PillarKey, score))


def withheld() -> WithheldSummary:
    return WithheldSummary(
        round_id="w",
        kind=RoundKind.PULSE,
        closed_at=T0,
        respondents=2,
        min_respondents=5,
        channel_size=9,
    )


def a_trend(
    results: Sequence[RoundResult],
    *,
    done: Sequence[HackDone] = (),
    hacks: Sequence[HackPeriod] = (),
    team_id: str = "t",
) -> Trend:
    """Weekly rounds from T0; each round gets its own id (the cache tells rounds apart)."""
    return Trend(
        team_id=team_id,
        points=[
            TrendPoint(opened_at=T0 + i * WEEK, result=_renamed(result, f"{result.round_id}{i}"))
            for i, result in enumerate(results)
        ],
        hacks_done=list(done),
        hacks=tuple(hacks),
    )


def _renamed(result: RoundResult, round_id: str) -> RoundResult:
    if isinstance(result, RoundSummary):
        return RoundSummary(
            round_id=round_id,
            kind=result.kind,
            closed_at=result.closed_at,
            respondents=result.respondents,
            channel_size=result.channel_size,
            pillars=result.pillars,
        )
    return WithheldSummary(
        round_id=round_id,
        kind=result.kind,
        closed_at=result.closed_at,
        respondents=result.respondents,
        min_respondents=result.min_respondents,
        channel_size=result.channel_size,
        reason=result.reason,
    )
