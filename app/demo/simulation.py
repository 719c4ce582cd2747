"""Simulated team members: their own tendencies, statements answered each at its own level, a
dip on one pillar, recovery after a hack."""

from __future__ import annotations

import random
from dataclasses import dataclass

from content.schema import ContentPack, PillarKey

# Where the simulated team stands on each pillar (1-5) before anything happens: belonging
# is fine, challenging the leader is hardest, as in many real teams.
BASELINE = {
    PillarKey.INCLUDE: 4.0,
    PillarKey.LEARN: 3.8,
    PillarKey.CONTRIBUTE: 3.7,
    PillarKey.CHALLENGE: 3.3,
}
# How far a statement sits from its pillar's level: real statements of a pillar differ by
# 0.5-0.8 on the 1-5 scale, so a change of statement alone would move a pillar's score
# (docs/measurement.md).
STATEMENT_SPREAD = 0.4
DIP_DEPTH = 1.3
RECOVERY_WEEKS = 3
RECOVERY_GAIN = 0.25
HOLIDAY_RESPONDENTS = 3  # below the default threshold of 5


@dataclass(frozen=True)
class Member:
    """One simulated person: their id, tendency per pillar, and how reliably they answer."""

    user_id: str
    tendency: dict[PillarKey, float]
    diligence: float


class SimulatedTeam:
    """A team whose answers follow a story: steady, a dip on one pillar, then recovery."""

    def __init__(self, *, size: int, weeks: int, seed: int) -> None:
        self._random = random.Random(seed)  # noqa: S311 - a simulation, not a secret
        self.members = [
            Member(
                user_id=f"U{index:03d}",
                tendency={p: self._random.gauss(0, 0.35) for p in PillarKey},
                diligence=self._random.uniform(0.75, 0.97),
            )
            for index in range(1, size + 1)
        ]
        self.dip_pillar = PillarKey.LEARN
        self.dip_week = max(2, weeks // 3)
        # One holiday week where too few answer, to show the anonymity threshold at work.
        self.holiday_week = self.dip_week + 3 if weeks >= self.dip_week + 3 else None
        self.hack_week: int | None = None
        self._seed = seed
        self._start: dict[PillarKey, int] = {}

    def hack_run(self, week: int) -> None:
        """The team ran the hack aimed at the dip in `week`."""
        if self.hack_week is None:
            self.hack_week = week

    def level(self, pillar: PillarKey, week: int) -> float:
        """The team's mean feeling on `pillar` in `week`."""
        base = BASELINE[pillar]
        if pillar is not self.dip_pillar or week < self.dip_week:
            return base
        if self.hack_week is None or week <= self.hack_week:
            return base - DIP_DEPTH
        progress = min(1.0, (week - self.hack_week) / RECOVERY_WEEKS)
        return base - DIP_DEPTH + progress * (DIP_DEPTH + RECOVERY_GAIN)

    def walk_from(self, first_pulse: tuple[str, ...], content: ContentPack) -> None:
        """Where the team's statement walk starts (its first pulse's statements, which its
        team id decides): levels follow places in the walk, so a seed tells the same story."""
        for statement_id in first_pulse:
            pillar = content.statement(statement_id).pillar
            bank = [s.id for s in content.active_statements_for(pillar)]
            self._start[pillar] = bank.index(statement_id)

    def offset(self, statement_id: str, content: ContentPack) -> float:
        """How far the team answers `statement_id` from its pillar's level (felt, before a
        reverse-keyed statement is turned): each statement its own, drawn for its place."""
        pillar = content.statement(statement_id).pillar
        place = self._place(statement_id, content)
        own = random.Random(f"{self._seed}:{pillar}:{place}")  # noqa: S311 - a simulation
        return own.gauss(0, STATEMENT_SPREAD)

    def _place(self, statement_id: str, content: ContentPack) -> int:
        pillar = content.statement(statement_id).pillar
        bank = [s.id for s in content.active_statements_for(pillar)]
        return (bank.index(statement_id) - self._start.get(pillar, 0)) % len(bank)

    def respondents(self, week: int) -> list[Member]:
        """Who answers this week; in the holiday week only a few do."""
        if week == self.holiday_week:
            return self._random.sample(self.members, HOLIDAY_RESPONDENTS)
        return [m for m in self.members if self._random.random() < m.diligence]

    def answers(
        self, member: Member, content: ContentPack, statement_ids: tuple[str, ...], week: int
    ) -> dict[str, int]:
        """One member's answers (1-5); a reverse-keyed statement is answered the other way."""
        answers = {}
        # In the order of places in the walk, so each statement meets the same chance whichever
        # statement the team's walk starts from.
        house = list(PillarKey)
        for statement_id in sorted(
            statement_ids,
            key=lambda s: (house.index(content.statement(s).pillar), self._place(s, content)),
        ):
            statement = content.statement(statement_id)
            felt = (
                self.level(statement.pillar, week)
                + self.offset(statement_id, content)
                + member.tendency[statement.pillar]
            )
            value = min(5, max(1, round(felt + self._random.gauss(0, 0.45))))
            answers[statement_id] = 6 - value if statement.reverse else value
        return answers
