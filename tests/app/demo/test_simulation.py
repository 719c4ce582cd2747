"""The simulated team answers each statement at its own level, the same for the same seed."""

from __future__ import annotations

from app.demo.simulation import SimulatedTeam
from content.schema import ContentPack, PillarKey


def test_statements_of_a_pillar_are_answered_at_different_levels(content: ContentPack) -> None:
    team = SimulatedTeam(size=9, weeks=12, seed=1)
    for pillar in PillarKey:
        bank = content.active_statements_for(pillar)
        offsets = {team.offset(s.id, content) for s in bank}
        assert len(offsets) == len(bank)
        assert max(offsets) - min(offsets) > 0.3  # more than a change of one answer in three


def test_a_seed_gives_the_same_levels_wherever_the_walk_starts(content: ContentPack) -> None:
    first, second = content.active_statements_for(PillarKey.LEARN)[:2]
    # Two runs of one seed whose teams start their walks at different statements.
    one, two = SimulatedTeam(size=9, weeks=12, seed=4), SimulatedTeam(size=9, weeks=12, seed=4)
    one.walk_from((first.id,), content)
    two.walk_from((second.id,), content)
    assert one.offset(first.id, content) == two.offset(second.id, content)
    other = SimulatedTeam(size=9, weeks=12, seed=5)
    other.walk_from((first.id,), content)
    assert other.offset(first.id, content) != one.offset(first.id, content)
