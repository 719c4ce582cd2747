"""A simulated team's history, played through PulseService: the plan, and what came of it.

People answer *different statements of a pillar differently* (each statement has its own
offset from the team's level), so a test sees whether the bot compares like with like. The
runner records every answer it gives, so tests can recompute the numbers on their own
(tests/scenarios/truth.py) instead of asking the code under test.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.memory_chat import MemoryChat
from content.schema import ContentPack, Language, PillarKey
from surveys.announcements import RoundOutcome
from surveys.manual_clock import ManualClock
from surveys.rounds import Round, RoundKind
from surveys.scoring import Histogram
from surveys.service import PulseService
from surveys.team import ChannelRef, Team, TeamSettings
from surveys.trend import Trend
from tests.builders import T0
from tests.fakes.memory import MemoryStorage

CHANNEL = ChannelRef(platform="slack", workspace_id="T1", channel_id="C1")
ANSWER_NOISE = 0.5  # one person's answer around the team's level, on the 1-5 scale


@dataclass(frozen=True)
class RoundPlan:
    """One round: its kind, how many members answer, the team's feeling (1-5) per pillar, and
    (optionally) the team's k from this round on."""

    kind: RoundKind
    respondents: int
    levels: Mapping[PillarKey, float]
    k: int | None = None


@dataclass(frozen=True)
class Plan:
    """A team's history: its language, size and k, how far each statement sits from its
    pillar's level, and its rounds, a week apart."""

    language: Language
    rounds: Sequence[RoundPlan]
    offsets: Mapping[str, float]
    members: int = 9
    k: int = 5
    seed: int = 0


@dataclass(frozen=True)
class Played:
    """A closed round as the runner played it: the answer counts it gave, the team's k when
    it opened, and the outcome the service posted."""

    round: Round
    histograms: Mapping[str, Histogram]
    k_at_open: int
    outcome: RoundOutcome


@dataclass
class History:
    """What a plan came to: the team, its rounds in order, and the service to ask more."""

    team: Team
    service: PulseService
    played: list[Played] = field(default_factory=list)

    async def trend(self) -> Trend:
        """The trend over every round played."""
        return await self.service.trend(self.team.id, rounds=len(self.played))


def answer_value(level: float, offset: float, noise: float, *, reverse: bool) -> int:
    """What a person ticks (1-5) for a statement: positively felt, mirrored when reverse-keyed."""
    felt = min(5, max(1, round(level + offset + noise)))
    return 6 - felt if reverse else felt


async def play(plan: Plan, content: ContentPack) -> History:
    """Set the team up and play every round of `plan`: open, answer, close a week apart."""
    members = [f"U{n}" for n in range(1, plan.members + 1)]
    chat, clock = MemoryChat(members=list(members)), ManualClock(T0)
    service = PulseService(
        unit_of_work=MemoryStorage(), clock=clock, chat=chat, content=content, secret_key=b"k" * 32
    )
    noise = random.Random(plan.seed)  # a simulation, not a secret
    k = plan.k
    team = await service.set_up_team(
        CHANNEL, TeamSettings(language=plan.language, min_respondents=k), name="Scenario"
    )
    history = History(team=team, service=service)
    for step in plan.rounds:
        if step.k is not None and step.k != k:
            k = step.k
            team = await service.set_up_team(
                CHANNEL, TeamSettings(language=plan.language, min_respondents=k)
            )
            history.team = team
        round_ = await service.open_round(team.id, kind=step.kind)
        counts = {s: [0, 0, 0, 0, 0] for s in round_.statement_ids}
        for person in members[: step.respondents]:
            answers = {}
            for statement_id in round_.statement_ids:
                statement = content.statement(statement_id)
                value = answer_value(
                    step.levels[statement.pillar],
                    plan.offsets.get(statement_id, 0.0),
                    noise.gauss(0, ANSWER_NOISE),
                    reverse=statement.reverse,
                )
                answers[statement_id] = value
                counts[statement_id][value - 1] += 1
            await service.submit(round_.id, user_id=person, answers=answers)
        clock.advance(days=3)
        outcome = await service.close_round(round_.id)
        history.played.append(
            Played(
                round=outcome.round,
                histograms={s: (c[0], c[1], c[2], c[3], c[4]) for s, c in counts.items()},
                k_at_open=k,
                outcome=outcome,
            )
        )
        clock.advance(days=4)
    return history
