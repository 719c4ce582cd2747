"""The demo's story: a dip on one pillar, the hack aimed at it, recovery, a hidden holiday week."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from datetime import timedelta
from pathlib import Path

import pytest

from app.cli import main
from app.demo.simulation import HOLIDAY_RESPONDENTS, SimulatedTeam
from app.demo.story import EARLY_SHARE, FIRST_MONDAY, HOLD_WEEKS, DemoRun, Week, run_demo
from content.loader import default_pack
from content.schema import PillarKey
from surveys.anonymity import RoundSummary, WithheldSummary
from surveys.hack_choice import HackReason, lowest_pillars
from surveys.hack_effect import helped_item
from surveys.rounds import RoundKind
from surveys.scoring import NOTABLE_POINTS, Direction
from surveys.team import DEFAULT_MIN_RESPONDENTS
from tests.conftest import run_blocking

WEEKS, SIZE, SEED = 12, 9, 7
SIMULATION = SimulatedTeam(size=SIZE, weeks=WEEKS, seed=SEED)
DIP_WEEK = SIMULATION.dip_week
HOLIDAY_WEEK = SIMULATION.holiday_week


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """One 12-week run (seed 7), shared by the tests that read it."""
    database = tmp_path_factory.mktemp("story") / "demo.db"
    return run_blocking(
        run_demo(
            weeks=WEEKS,
            team_size=SIZE,
            seed=SEED,
            language="en",
            database=database,
            content=default_pack(),
        )
    )


def learn_score(week: Week) -> float:
    result = week.outcome.result
    assert isinstance(result, RoundSummary), f"week {week.number} was withheld"
    return result.pillars[PillarKey.LEARN].score.score


def test_the_story_has_the_expected_shape() -> None:
    assert DIP_WEEK == max(2, WEEKS // 3) == 4
    assert HOLIDAY_WEEK == DIP_WEEK + 3


def test_one_week_per_round_a_week_apart(story: DemoRun) -> None:
    assert [w.number for w in story.weeks] == list(range(1, WEEKS + 1))
    assert [w.outcome.round.opened_at for w in story.weeks] == [
        FIRST_MONDAY + timedelta(weeks=n) for n in range(WEEKS)
    ]
    assert story.weeks[0].outcome.round.kind is RoundKind.BAROMETER
    assert {w.outcome.round.kind for w in story.weeks[1:]} == {RoundKind.PULSE}
    assert all(w.outcome.round.channel_size == SIZE for w in story.weeks)


def test_learn_drops_notably_in_the_dip_week(story: DemoRun) -> None:
    dip = story.weeks[DIP_WEEK - 1].outcome.result
    assert isinstance(dip, RoundSummary)
    change = dip.pillars[PillarKey.LEARN].change
    assert change is not None
    assert change.notable
    assert change.direction is Direction.DOWN
    assert change.delta <= -NOTABLE_POINTS
    # The sharpest drop of that round.
    assert min(dip.notable_changes, key=lambda k: dip.notable_changes[k].delta) is PillarKey.LEARN
    # Before the dip nothing about learning stood out.
    for week in story.weeks[: DIP_WEEK - 1]:
        result = week.outcome.result
        assert isinstance(result, RoundSummary)
        assert PillarKey.LEARN not in result.notable_changes


def test_a_hack_is_held_on_to_done_asked_about_and_followed_up(story: DemoRun) -> None:
    weeks = story.weeks
    dip = weeks[DIP_WEEK - 1]
    # The dip puts learning lowest; the facilitator switches to a hack for it.
    assert isinstance(dip.outcome.result, RoundSummary)
    assert PillarKey.LEARN in lowest_pillars(dip.outcome.result)
    assert dip.hack_started is not None
    hack = default_pack().hack(dip.hack_started)
    assert PillarKey.LEARN in hack.pillars
    # Held on to, week after week, until the team says it did it.
    done_week = DIP_WEEK + HOLD_WEEKS
    for week in weeks[DIP_WEEK:done_week]:
        if isinstance(week.outcome.result, RoundSummary):
            assert week.outcome.suggestion is not None
            assert (week.outcome.suggestion.hack, week.outcome.suggestion.reason) == (
                hack,
                HackReason.KEEP,
            )
    assert [w.number for w in weeks if w.hack_done is not None] == [done_week]
    assert weeks[done_week - 1].hack_done == hack.id
    # The next round asks whether it helped, and its summary says how many agree.
    asked = weeks[done_week]
    assert helped_item(hack.id) in asked.outcome.round.statement_ids
    assert asked.outcome.helped is not None
    assert asked.outcome.helped.hack_id == hack.id
    assert asked.outcome.helped.answers == asked.outcome.result.respondents
    assert all(
        helped_item(hack.id) not in w.outcome.round.statement_ids for w in weeks[done_week + 1 :]
    )
    # About three weeks later, the follow-up; only then a new hack.
    [follow_up] = [w for w in weeks if w.outcome.follow_up is not None]
    assert follow_up.outcome.follow_up is not None
    assert follow_up.outcome.follow_up.hack == hack
    [done] = story.trend.hacks_done
    assert timedelta(days=20) <= follow_up.outcome.round.closes_at - done.at < timedelta(days=27)
    between = weeks[done_week : follow_up.number - 1]
    assert all(w.outcome.repeating == hack for w in between)
    after = weeks[follow_up.number]
    assert after.outcome.suggestion is not None
    assert after.outcome.suggestion.reason is not HackReason.KEEP
    assert after.outcome.suggestion.hack != hack


def test_every_reason_in_the_story_is_true(story: DemoRun) -> None:
    for week in story.weeks:
        result, suggestion = week.outcome.result, week.outcome.suggestion
        if suggestion is None or not suggestion.lowest:
            continue
        assert isinstance(result, RoundSummary)
        shown = {k: round(r.score.score) for k, r in result.pillars.items()}
        assert {k for k, v in shown.items() if v == min(shown.values())} == set(suggestion.lowest)


def test_learning_recovers_after_the_hack(story: DemoRun) -> None:
    dip = learn_score(story.weeks[DIP_WEEK - 1])
    for week in story.weeks[-3:]:
        assert learn_score(week) >= dip + NOTABLE_POINTS, week.number


def test_the_holiday_week_is_withheld(story: DemoRun) -> None:
    assert HOLIDAY_WEEK is not None
    week = story.weeks[HOLIDAY_WEEK - 1]
    result = week.outcome.result
    assert isinstance(result, WithheldSummary)
    assert result.respondents == HOLIDAY_RESPONDENTS
    assert result.min_respondents == DEFAULT_MIN_RESPONDENTS
    assert week.outcome.suggestion is None  # a withheld summary says nothing else
    point = story.trend.points[HOLIDAY_WEEK - 1]
    assert point.result == result
    assert all(point.score(pillar) is None for pillar in PillarKey)
    # Every other week had enough answers to be shown.
    assert [w.number for w in story.weeks if isinstance(w.outcome.result, WithheldSummary)] == [
        HOLIDAY_WEEK
    ]


def test_the_trend_covers_every_round(story: DemoRun) -> None:
    assert len(story.trend.points) == WEEKS
    assert story.trend.team_id == story.team.id
    assert [p.result.round_id for p in story.trend.points] == [
        w.outcome.round.id for w in story.weeks
    ]
    series = story.trend.series(PillarKey.LEARN)
    assert series[DIP_WEEK - 1] == learn_score(story.weeks[DIP_WEEK - 1])


def test_reminders_go_only_to_those_who_have_not_answered(story: DemoRun) -> None:
    for week in story.weeks:
        respondents = week.outcome.result.respondents
        early = round(respondents * EARLY_SHARE)
        assert 0 < week.reminded <= SIZE - early, week.number
        # Exactly those in the channel who had not answered when the reminder went out.
        assert week.reminded == SIZE - early, week.number
        assert week.outcome.round.reminded


def test_the_database_starts_empty_every_time(tmp_path: Path) -> None:
    database = tmp_path / "again.db"

    async def twice() -> tuple[DemoRun, DemoRun]:
        first = await run_demo(
            weeks=2, team_size=5, seed=1, language="da", database=database, content=default_pack()
        )
        second = await run_demo(
            weeks=3, team_size=5, seed=1, language="da", database=database, content=default_pack()
        )
        return first, second

    first, second = run_blocking(twice())
    assert first.team.id != second.team.id
    assert len(second.trend.points) == 3
    assert second.team.settings.language == "da"


@pytest.mark.slow
def test_a_year_of_weeks_finishes(tmp_path: Path) -> None:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(["demo", "--weeks", "52", "--database", "year.db", "--chart", "year.svg"])
    assert code == 0
    weeks = re.findall(r"^  Uge (\d+) ", buffer.getvalue(), flags=re.MULTILINE)
    assert weeks == [str(n) for n in range(1, 53)]
    assert "Udviklingen over 52 runder" in buffer.getvalue()
    assert (tmp_path / "year.svg").stat().st_size > 0


def test_the_leader_sees_a_perception_gap_in_the_dip_week(story: DemoRun) -> None:
    view = story.leader_view
    assert view is not None
    dip = next(w for w in story.weeks if w.outcome.round.id == view.round_id)
    assert isinstance(dip.outcome.result, RoundSummary)
    # The leader predicted "Enig" (75) everywhere and missed the dip on Lære.
    learn = next(gap for gap in view.gaps if gap.pillar is PillarKey.LEARN)
    assert learn.large
    assert learn.gap < 0
    assert learn.result == learn_score(dip)
