"""A team's year, in both languages: 52 weekly rounds with a barometer each quarter, people
who answer each statement at its own level, a dip and a recovery, a quiet summer whose rounds
are withheld, and k raised in the autumn. Each test is one property over the whole year; add
yours with the `year` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.views.results import summary, trend_report
from content.schema import ContentPack, Language, PillarKey
from surveys.anonymity import RoundSummary
from surveys.rounds import RoundKind
from surveys.trend import Trend
from tests.conftest import run_blocking
from tests.scenarios.runner import History, Plan, RoundPlan, play
from tests.scenarios.truth import check_summary, check_trend, shown

# A simulated year per language, played once for the module: in one test process
# (`--dist loadgroup`), or each would play it again.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("a-year")]

WEEKS = 52
BAROMETER_EVERY = 13
SUMMER = range(28, 31)  # few answer
K_RAISED_AT = 40
BASE = {
    PillarKey.INCLUDE: 4.1,
    PillarKey.LEARN: 3.8,
    PillarKey.CONTRIBUTE: 3.6,
    PillarKey.CHALLENGE: 3.1,
}


def _levels(week: int) -> dict[PillarKey, float]:
    levels = dict(BASE)
    if 8 <= week < 18:  # a hard spell for learning, then a hack that works
        levels[PillarKey.LEARN] -= 1.4
    elif week >= 18:
        levels[PillarKey.LEARN] += 0.3
    if week >= 34:  # challenging slowly gets easier
        levels[PillarKey.CHALLENGE] += 0.8
    return levels


def a_year_plan(language: Language, content: ContentPack) -> Plan:
    """The year's plan: reverse-keyed statements are answered far lower once turned, and
    the statements of a pillar sit apart by more than the noise bar."""
    spread = (-0.6, 0.1, 0.5, -0.2)
    offsets = {}
    for pillar in PillarKey:
        for n, statement in enumerate(content.statements_for(pillar)):
            offsets[statement.id] = spread[n % len(spread)] - (0.5 if statement.reverse else 0)
    return Plan(
        language=language,
        offsets=offsets,
        seed=12,
        rounds=[
            RoundPlan(
                kind=RoundKind.BAROMETER if week % BAROMETER_EVERY == 0 else RoundKind.PULSE,
                respondents=3 if week in SUMMER else 6 + week % 4,
                levels=_levels(week),
                k=6 if week == K_RAISED_AT else None,
            )
            for week in range(WEEKS)
        ],
    )


@dataclass(frozen=True)
class Year:
    """A played year and its trend at the end."""

    history: History
    trend: Trend


async def _play_year(language: Language, content: ContentPack) -> Year:
    history = await play(a_year_plan(language, content), content)
    return Year(history=history, trend=await history.trend())


@pytest.fixture(scope="module", params=["da", "en"])
def year(request: pytest.FixtureRequest, content: ContentPack) -> Year:
    """The year, played once per language for the module's tests."""
    language: Language = request.param
    return run_blocking(_play_year(language, content))


def test_every_summary_agrees_with_its_numbers(year: Year, content: ContentPack) -> None:
    played = year.history.played
    for index, week in enumerate(played):
        check_summary(summary(week.outcome, content), content, played, index)


def test_the_years_trend_agrees_with_its_numbers(year: Year, content: ContentPack) -> None:
    card = trend_report(year.trend, year.history.team, content)
    check_trend(card, content, year.history.played, year.history.team)


def test_the_year_has_drops_rises_and_withheld_rounds(year: Year) -> None:
    # The properties above would hold vacuously for a year without changes.
    directions = {
        change.delta > 0
        for week in year.history.played
        if isinstance(week.outcome.result, RoundSummary)
        for change in week.outcome.result.notable_changes.values()
    }
    assert directions == {True, False}
    assert not any(shown(year.history.played[week], 5) for week in SUMMER)


def test_no_pillar_is_compared_with_another_statement(year: Year, content: ContentPack) -> None:
    for week in year.history.played:
        result = week.outcome.result
        if not isinstance(result, RoundSummary):
            continue
        for key, pillar in result.pillars.items():
            if pillar.change is None:
                continue
            earlier = next(
                w for w in year.history.played if w.round.opened_at == pillar.change.since
            )
            asked = {s for s in week.round.statement_ids if content.statement(s).pillar is key}
            assert asked <= set(earlier.round.statement_ids)
