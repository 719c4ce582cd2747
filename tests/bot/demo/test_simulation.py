"""The simulated team answers each statement at its own level, the same for the same seed."""

from __future__ import annotations

from statistics import mean

from bot.demo.simulation import SimulatedTeam
from content.schema import ContentPack, PillarKey


def test_statements_of_a_pillar_are_answered_at_different_levels(content: ContentPack) -> None:
    team = SimulatedTeam(size=9, weeks=12, seed=1)
    learn = content.statements_for(PillarKey.LEARN)
    offsets = [team.offset(s.id, reverse=s.reverse) for s in learn]
    assert len(set(offsets)) == len(learn)
    # Reverse-keyed statements are agreed with less, once turned.
    reverse = [o for s, o in zip(learn, offsets, strict=True) if s.reverse]
    plain = [o for s, o in zip(learn, offsets, strict=True) if not s.reverse]
    assert mean(reverse) < mean(plain)


def test_the_levels_depend_on_the_seed_only(content: ContentPack) -> None:
    ids = [s.id for s in content.statements]
    first = SimulatedTeam(size=9, weeks=12, seed=4)
    again = SimulatedTeam(size=5, weeks=30, seed=4)
    other = SimulatedTeam(size=9, weeks=12, seed=5)
    asked = [first.offset(i, reverse=False) for i in ids]
    # Asked in another order, the same statement keeps its level.
    assert [again.offset(i, reverse=False) for i in reversed(ids)][::-1] == asked
    assert [other.offset(i, reverse=False) for i in ids] != asked
