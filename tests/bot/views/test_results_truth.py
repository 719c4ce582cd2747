"""Over many simulated histories, the summary and trend cards say nothing their numbers
contradict: arrows, "rose" and "dropped" only where the like-with-like change is notable and
has that sign, nothing from a withheld round, no comparison across different statements.

Histories are played through PulseService (memory storage, fake chat), so the real close path
runs; the numbers are recomputed from the answers given (tests/scenarios/truth.py).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.views.results import summary, trend_report
from content.loader import default_pack
from content.schema import ContentPack, PillarKey
from surveys.rounds import RoundKind
from tests.scenarios.runner import Plan, RoundPlan, play
from tests.scenarios.truth import check_summary, check_trend, expected_change, shown

pytestmark = pytest.mark.slow  # Hypothesis draws many histories

PACK = default_pack()
# Few distinct levels, so a pillar often stays where it was (no change) and often moves a lot.
LEVELS = (1.8, 2.6, 3.3, 3.9, 4.6)

round_plans = st.builds(
    RoundPlan,
    kind=st.sampled_from([RoundKind.PULSE] * 3 + [RoundKind.BAROMETER]),
    # Mostly enough to show, sometimes too few: withheld rounds fall in between.
    respondents=st.one_of(st.integers(5, 9), st.integers(5, 9), st.integers(0, 9)),
    levels=st.fixed_dictionaries({p: st.sampled_from(LEVELS) for p in PillarKey}),
    k=st.one_of(st.none(), st.none(), st.none(), st.sampled_from([5, 6, 7])),
)

plans = st.builds(
    Plan,
    language=st.sampled_from(["da", "en"]),
    rounds=st.lists(round_plans, min_size=2, max_size=14),
    # Each statement sits at its own distance from its pillar's level: a change of wording
    # alone would move a pillar's score by more than the noise bar.
    offsets=st.fixed_dictionaries(
        {s.id: st.sampled_from([-1.2, -0.6, 0.0, 0.5, 1.0]) for s in PACK.statements}
    ),
    seed=st.integers(0, 2**16),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans)
async def test_every_card_agrees_with_its_numbers(plan: Plan) -> None:
    content: ContentPack = PACK
    history = await play(plan, content)
    for index, played in enumerate(history.played):
        check_summary(summary(played.outcome, content), content, history.played, index)
    trend = await history.trend()
    check_trend(trend_report(trend, history.team, content), content, history.played, history.team)


async def test_a_pulse_is_not_compared_with_a_different_statement(content: ContentPack) -> None:
    # The pulses walk the statements; people answer the reverse-keyed ones far lower. Compared
    # with whatever came before, every second pulse would show a notable drop.
    offsets = {s.id: -1.5 if s.reverse else 0.5 for s in content.statements}
    steady = dict.fromkeys(PillarKey, 3.5)
    plan = Plan(
        language="en",
        offsets=offsets,
        rounds=[RoundPlan(kind=RoundKind.PULSE, respondents=8, levels=steady)] * 9,
    )
    history = await play(plan, content)
    for index, played in enumerate(history.played):
        result = played.outcome.result
        changes = [p.change for p in result.pillars.values()]  # type: ignore[union-attr]
        assert not [c for c in changes if c is not None and c.notable]
        # From the fifth pulse on, each statement comes back and is compared with itself.
        assert all(c is not None for c in changes) == (index >= 4)
        check_summary(summary(played.outcome, content), content, history.played, index)


async def test_a_withheld_round_is_skipped_not_compared(content: ContentPack) -> None:
    offsets = dict.fromkeys((s.id for s in content.statements), 0.0)
    high, low = dict.fromkeys(PillarKey, 4.6), dict.fromkeys(PillarKey, 1.8)
    plan = Plan(
        language="da",
        offsets=offsets,
        rounds=[
            RoundPlan(kind=RoundKind.BAROMETER, respondents=8, levels=high),
            RoundPlan(kind=RoundKind.BAROMETER, respondents=3, levels=low),  # withheld
            RoundPlan(kind=RoundKind.PULSE, respondents=8, levels=low),
        ],
    )
    history = await play(plan, content)
    assert not shown(history.played[1], 5)
    for key in PillarKey:
        change = expected_change(content, history.played, 2, key, k=5)
        assert change is not None
        assert change.since == history.played[0].round.opened_at
        assert change.notable
    check_summary(summary(history.played[2].outcome, content), content, history.played, 2)
