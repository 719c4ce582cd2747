"""What a chart draws: a value per round and pillar, gaps where the gate withholds, hack marks."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.chart.alt_text import alt_text
from bot.chart.series import ChartSeries, HackMark, MarkKind, chart_series
from content.loader import default_pack
from content.schema import ContentPack, PillarKey
from surveys.anonymity import RoundResult, RoundSummary
from surveys.hack_cycle import HackPeriod
from surveys.trend import HackDone
from tests.bot.chart.trends import HACK, T0, WEEK, a_trend, everywhere, summary, withheld


def values(series: ChartSeries, pillar: PillarKey) -> tuple[float | None, ...]:
    (panel,) = [p for p in series.pillars if p.pillar is pillar]
    return panel.values


def test_a_panel_per_pillar_in_the_packs_order_and_a_value_per_round(
    content: ContentPack,
) -> None:
    series = chart_series(a_trend([everywhere(60.0), everywhere(70.0)]), content)
    assert [p.pillar for p in series.pillars] == [p.key for p in content.pillars]
    assert all(p.values == (60.0, 70.0) for p in series.pillars)
    assert series.rounds == (T0, T0 + WEEK)
    assert series.shown == (True, True)
    assert series.withheld == 0


def test_a_withheld_round_is_a_gap_on_every_panel(content: ContentPack) -> None:
    series = chart_series(a_trend([everywhere(60.0), withheld(), everywhere(70.0)]), content)
    assert all(p.values == (60.0, None, 70.0) for p in series.pillars)
    assert series.shown == (True, False, True)
    assert series.withheld == 1


def test_a_pillar_a_round_did_not_ask_is_a_gap_on_that_panel_only(content: ContentPack) -> None:
    partial = summary({PillarKey.INCLUDE: 50.0})
    series = chart_series(a_trend([everywhere(60.0), partial]), content)
    assert values(series, PillarKey.INCLUDE) == (60.0, 50.0)
    assert values(series, PillarKey.LEARN) == (60.0, None)
    # The round was shown: not counted as withheld.
    assert series.withheld == 0


def test_an_empty_trend_draws_nothing(content: ContentPack) -> None:
    series = chart_series(a_trend([]), content)
    assert series.rounds == ()
    assert all(p.values == () for p in series.pillars)
    assert series.marks == ()


def test_hacks_are_marked_where_started_and_done_on_their_pillars(content: ContentPack) -> None:
    started, done = T0 + timedelta(days=3), T0 + timedelta(days=17)
    current = T0 + timedelta(days=20)
    trend = a_trend(
        [everywhere(60.0)] * 4,
        hacks=[
            HackPeriod(HACK, started, done_at=done),
            HackPeriod("pre-mortem", current),
        ],
        # The log's done is the period's done: marked once.
        done=[HackDone(HACK, done)],
    )
    assert chart_series(trend, content).marks == (
        HackMark(PillarKey.INCLUDE, started, MarkKind.STARTED, HACK),
        HackMark(PillarKey.INCLUDE, done, MarkKind.DONE, HACK),
        HackMark(PillarKey.CHALLENGE, current, MarkKind.STARTED, "pre-mortem"),
    )


def test_a_hack_for_two_pillars_is_marked_on_both(content: ContentPack) -> None:
    hacks = tuple(
        h.model_copy(update={"pillars": [PillarKey.LEARN, PillarKey.INCLUDE]})
        if h.id == HACK
        else h
        for h in content.hacks
    )
    pack = content.model_copy(update={"hacks": hacks})
    at = T0 + timedelta(days=1)
    trend = a_trend([everywhere(60.0)] * 2, hacks=[HackPeriod(HACK, at)])
    assert [m.pillar for m in chart_series(trend, pack).marks] == [
        PillarKey.LEARN,
        PillarKey.INCLUDE,
    ]


def test_what_has_no_place_on_the_chart_is_not_marked(content: ContentPack) -> None:
    before = T0 - timedelta(days=2)
    trend = a_trend(
        [everywhere(60.0)] * 3,
        # Started before the first round: only its done is in view.
        hacks=[
            HackPeriod(HACK, before, done_at=T0 + WEEK),
            HackPeriod("a-hack-of-an-old-pack", T0 + timedelta(days=1)),
        ],
        done=[HackDone("lesson-of-the-week", before)],
    )
    assert chart_series(trend, content).marks == (
        HackMark(PillarKey.INCLUDE, T0 + WEEK, MarkKind.DONE, HACK),
    )


def test_a_done_without_a_period_in_view_is_still_marked(content: ContentPack) -> None:
    at = T0 + timedelta(days=9)
    trend = a_trend([everywhere(60.0)] * 3, done=[HackDone("pre-mortem", at)])
    assert chart_series(trend, content).marks == (
        HackMark(PillarKey.CHALLENGE, at, MarkKind.DONE, "pre-mortem"),
    )


SCORES = st.floats(0, 100, allow_nan=False)
ROUNDS = st.one_of(
    st.just(withheld()),
    st.dictionaries(st.sampled_from(list(PillarKey)), SCORES, min_size=1).map(summary),
)


@given(st.lists(ROUNDS, max_size=30))
def test_the_series_holds_exactly_what_the_gate_shows(results: list[RoundResult]) -> None:
    series = chart_series(a_trend(results), default_pack())
    for panel in series.pillars:
        for result, value in zip(results, panel.values, strict=True):
            if isinstance(result, RoundSummary) and panel.pillar in result.pillars:
                assert value == result.pillars[panel.pillar].score.score
            else:
                # A withheld round (or a pillar not asked) has no value in any form.
                assert value is None
    assert series.withheld == sum(not isinstance(r, RoundSummary) for r in results)


@given(st.lists(ROUNDS, min_size=1, max_size=30))
def test_the_alt_text_says_no_number_the_series_contradicts(results: list[RoundResult]) -> None:
    content = default_pack()
    trend = a_trend(results)
    series = chart_series(trend, content)
    text = alt_text(trend, series, content, language="en", zone=ZoneInfo("UTC"))
    for panel in series.pillars:
        name = content.pillar(panel.pillar).name.en
        shown = [value for value in panel.values if value is not None]
        if shown:
            # Each pillar's latest score in words is the last value its panel draws.
            assert f"{name}: {shown[-1]:.0f} in the latest round shown" in text
        else:
            assert f"{name}: no result shown." in text
    hidden = sum(not isinstance(r, RoundSummary) for r in results)
    assert (f"{hidden} of {len(results)}." in text) == bool(hidden)
