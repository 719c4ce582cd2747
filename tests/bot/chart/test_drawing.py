"""The picture, through the real renderer: a PNG that decodes, panels on a fixed 0-100 axis,
no value where the gate withholds, hack marks on their panels, every word from the pack."""

from __future__ import annotations

import io
import math
import subprocess
import sys
from datetime import timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from bot.chart.drawing import COLOURS, HEIGHT, WIDTH, draw, render_png
from bot.chart.series import ChartSeries, chart_series
from bot.chart.words import ChartWords, chart_words
from content.loader import default_pack
from content.schema import ContentPack, Language, Localized, PillarKey
from surveys.anonymity import RoundResult
from surveys.hack_cycle import HackPeriod
from surveys.trend import Trend
from tests.bot.chart.trends import HACK, T0, WEEK, a_trend, everywhere, summary, withheld

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
UTC = ZoneInfo("UTC")


def planned(
    trend: Trend, content: ContentPack, language: Language = "en"
) -> tuple[ChartSeries, ChartWords]:
    series = chart_series(trend, content)
    return series, chart_words(series, content, language=language, zone=UTC)


def figure_of(trend: Trend, content: ContentPack, language: Language = "en") -> Figure:
    return draw(*planned(trend, content, language))


def lines(ax: Axes, gid: str) -> list[Line2D]:
    return [line for line in ax.get_lines() if line.get_gid() == gid]


def xy(line: Line2D) -> list[tuple[float, float]]:
    """A line's points, NaN (a gap) included."""
    xs = np.asarray(line.get_xdata(), dtype=float)
    ys = np.asarray(line.get_ydata(), dtype=float)
    return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]


def points(ax: Axes) -> list[tuple[float, float]]:
    """Every score drawn on a panel (a point with a value: NaN is a gap)."""
    return [
        (x, y)
        for line in lines(ax, "scores") + lines(ax, "lone")
        for x, y in xy(line)
        if not math.isnan(y)
    ]


def texts(ax: Axes, gid: str) -> list[str]:
    return [t.get_text() for t in ax.texts if t.get_gid() == gid]


def test_a_png_that_decodes_at_the_planned_size(content: ContentPack) -> None:
    png = render_png(*planned(a_trend([everywhere(60.0), withheld(), everywhere(70.0)]), content))
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        assert image.format == "PNG"
        assert image.size == (WIDTH, HEIGHT)
    # Small enough to upload quickly and to fit into a Teams card (bot/msteams/cards.py).
    assert len(png) < 16_000


def test_the_same_input_gives_the_same_bytes(content: ContentPack) -> None:
    trend = a_trend([everywhere(60.0), withheld(), everywhere(70.0)])
    english = render_png(*planned(trend, content))
    assert render_png(*planned(trend, content)) == english
    assert render_png(*planned(trend, content, "da")) != english
    # No software version or time stamp in the file.
    assert b"matplotlib" not in english.lower()
    assert b"tEXt" not in english


def test_one_panel_per_pillar_on_a_fixed_0_to_100_axis(content: ContentPack) -> None:
    figure = figure_of(a_trend([everywhere(40.0), everywhere(45.0)]), content)
    axes = figure.axes
    assert [ax.get_title(loc="left") for ax in axes] == [p.name.en for p in content.pillars]
    for ax in axes:
        assert ax.get_ylim() == (0.0, 100.0)
        assert list(ax.get_yticks()) == [0, 25, 50, 75, 100]


def test_no_bands_that_read_as_grades_and_colour_blind_safe_lines(content: ContentPack) -> None:
    figure = figure_of(a_trend([everywhere(20.0), everywhere(90.0)]), content)
    for ax, pillar in zip(figure.axes, content.pillars, strict=True):
        # Nothing coloured behind the lines: no red, amber or green zones.
        assert list(ax.patches) == []
        assert list(ax.collections) == []
        assert list(ax.images) == []
        (line,) = lines(ax, "scores")
        assert line.get_color() == COLOURS[pillar.key]
    # Okabe and Ito's palette.
    assert set(COLOURS.values()) <= {
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
    }


def test_a_withheld_round_is_a_gap_with_no_point(content: ContentPack) -> None:
    trend = a_trend([everywhere(60.0), withheld(), everywhere(70.0)])
    figure = figure_of(trend, content)
    for ax in figure.axes:
        assert points(ax) == [(0.0, 60.0), (14.0, 70.0)]
        (line,) = lines(ax, "scores")
        # The line is broken there, not drawn across.
        assert math.isnan(xy(line)[1][1])


def test_a_long_history_keeps_a_dot_for_a_round_between_gaps(content: ContentPack) -> None:
    results: list[RoundResult] = [everywhere(50.0)] * 40
    results += [withheld(), everywhere(80.0), withheld(), everywhere(60.0)]
    figure = figure_of(a_trend(results), content)
    for ax in figure.axes:
        (line,) = lines(ax, "scores")
        assert line.get_marker() in ("", "None", None)
        (lone,) = lines(ax, "lone")
        # The last round, after a gap, is alone too.
        assert xy(lone) == [(41 * 7.0, 80.0), (43 * 7.0, 60.0)]


def test_hacks_are_marked_on_their_pillars_panel_with_a_short_label(
    content: ContentPack,
) -> None:
    period = HackPeriod(HACK, T0 + timedelta(days=3), done_at=T0 + 2 * WEEK)
    figure = figure_of(a_trend([everywhere(60.0)] * 3, hacks=[period]), content)
    include, *others = figure.axes
    (started,) = lines(include, "hack-started")
    (done,) = lines(include, "hack-done")
    assert [x for x, _ in xy(started)] == [3.0, 3.0]
    assert [x for x, _ in xy(done)] == [14.0, 14.0]
    assert started.get_linestyle() != done.get_linestyle()
    assert texts(include, "hack-label") == ["▸ check-in-round", "✓ check-in-round"]
    for ax in others:
        assert lines(ax, "hack-started") == lines(ax, "hack-done") == []
        assert texts(ax, "hack-label") == []


@pytest.mark.parametrize(
    ("language", "dates"),
    [("en", ["5 Jan", "12 Jan", "19 Jan"]), ("da", ["5. jan.", "12. jan.", "19. jan."])],
)
def test_words_in_the_team_language(
    content: ContentPack, language: Language, dates: list[str]
) -> None:
    period = HackPeriod(HACK, T0 + timedelta(days=3))
    figure = figure_of(a_trend([everywhere(60.0)] * 3, hacks=[period]), content, language)
    assert figure.get_suptitle() == content.text("chart-title", language)
    assert [ax.get_title(loc="left") for ax in figure.axes] == [
        p.name.in_(language) for p in content.pillars
    ]
    bottom = figure.axes[-1]
    assert [t.get_text() for t in bottom.get_xticklabels()] == dates
    assert [t.get_text() for t in figure.texts][-1] == content.text("chart-note", language)
    alias = content.hack(HACK).alias.in_(language)
    assert texts(figure.axes[0], "hack-label") == [
        content.text("chart-hack-started", language, hack=alias)
    ]


def test_date_labels_thin_out_and_keep_the_last_round(content: ContentPack) -> None:
    figure = figure_of(a_trend([everywhere(60.0)] * 20), content)
    ticks = list(figure.axes[-1].get_xticks())
    assert ticks == [0.0, 35.0, 70.0, 105.0, 133.0]
    assert ticks[-1] == 19 * 7.0


def test_an_empty_trend_is_still_a_chart(content: ContentPack) -> None:
    trend = a_trend([])
    figure = figure_of(trend, content)
    assert all(points(ax) == [] for ax in figure.axes)
    assert [t.get_text() for t in figure.texts][-1] == content.text("trend-empty", "en")
    assert render_png(*planned(trend, content)).startswith(PNG_SIGNATURE)


def test_names_are_shown_as_written(content: ContentPack) -> None:
    pillars = tuple(
        p.model_copy(update={"name": Localized(da="F&U $x$", en="R&D $x^2$ <b>")})
        if p.key is PillarKey.LEARN
        else p
        for p in content.pillars
    )
    pack = content.model_copy(update={"pillars": pillars})
    trend = a_trend([everywhere(60.0)] * 2)
    figure = figure_of(trend, pack)
    assert figure.axes[1].get_title(loc="left") == "R&D $x^2$ <b>"
    # Drawn as text: a "$" does not start mathematics (which could fail to parse).
    assert render_png(*planned(trend, pack)).startswith(PNG_SIGNATURE)


SCORES = st.floats(0, 100, allow_nan=False)
ROUNDS = st.one_of(
    st.just(withheld()),
    st.dictionaries(st.sampled_from(list(PillarKey)), SCORES, min_size=1).map(summary),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROUNDS, min_size=1, max_size=40))
def test_the_chart_never_holds_a_withheld_value(results: list[RoundResult]) -> None:
    content = default_pack()
    trend = a_trend(results)
    figure = figure_of(trend, content)
    for ax, pillar in zip(figure.axes, content.pillars, strict=True):
        expected = [
            (i * 7.0, value)
            for i, value in enumerate(trend.series(pillar.key))
            if value is not None
        ]
        # Exactly the shown scores, each where its round is; nothing where a round is withheld.
        assert sorted(set(points(ax))) == sorted(set(expected))


def test_matplotlib_is_imported_only_to_draw() -> None:
    """Start-up time and memory (docs/benchmarks.md, P4): a service that never draws never
    loads matplotlib or Pillow."""
    code = (
        "import sys, app.main, app.cli, bot.chart.pictures;"
        "print(sorted(m for m in ('matplotlib', 'PIL') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
