"""The trend chart as a PNG, drawn by matplotlib's Agg backend.

matplotlib is imported here only, when the first chart is drawn: it costs start-up time
and memory that a service which never draws should not pay.
"""

from __future__ import annotations

import io
import math
import threading
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from bot.chart.series import ChartSeries, MarkKind
from bot.chart.words import ChartWords
from content.schema import PillarKey

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

# Okabe & Ito's colour-blind-safe palette: each pillar keeps its colour everywhere. No red,
# amber or green bands: the scale is not a grade (docs/measurement.md).
COLOURS = {
    PillarKey.INCLUDE: "#0072B2",
    PillarKey.LEARN: "#D55E00",
    PillarKey.CONTRIBUTE: "#009E73",
    PillarKey.CHALLENGE: "#CC79A7",
}
INK = "#222222"
MUTED = "#666666"
GRID = "#DDDDDD"
MARK_STYLE = {MarkKind.STARTED: (0, (3, 2)), MarkKind.DONE: "solid"}
DPI = 96
WIDTH, HEIGHT = 520, 364  # pixels: about a chat message's width
TICKS = (0, 25, 50, 75, 100)
# Beyond this many rounds a dot per round is clutter: the line alone, dots where it breaks.
MANY_ROUNDS = 26
# A lone round still needs a width of axis to sit in the middle of.
HALF_WEEK = 3.5
# The fewest colours that keep the lines' anti-aliasing smooth: a small PNG, and a small
# Adaptive Card (Teams' size limit).
PALETTE_COLOURS = 32
# One drawing at a time: matplotlib's global state (rc, font cache) is not thread-safe, and
# on a small machine one at a time is also the fastest way through a burst of closes.
_drawing = threading.Lock()


def render_png(series: ChartSeries, words: ChartWords) -> bytes:
    """The chart as PNG bytes; the same series and words give the same bytes."""
    with _drawing, _style():
        figure = _draw(series, words)
        raw = io.BytesIO()
        # No software version or date in the file: the same input is the same picture.
        figure.savefig(raw, format="png", dpi=DPI, metadata={"Software": None})
    return _fewer_colours(raw.getvalue())


def draw(series: ChartSeries, words: ChartWords) -> Figure:
    """The figure `render_png` saves (tests read what it holds)."""
    with _drawing, _style():
        return _draw(series, words)


def _style() -> AbstractContextManager[None]:
    import matplotlib

    matplotlib.use("Agg")
    # The library's own font (shipped with matplotlib): the same picture on every machine.
    style: dict[RcKeyType, object] = {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "lines.markersize": 3.5,
        "xtick.labelsize": 7.5,
        "text.parse_math": False,  # a "$" in a hack's or pillar's name is a dollar sign
        "axes.edgecolor": MUTED,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
    }
    return matplotlib.rc_context(style)


def _draw(series: ChartSeries, words: ChartWords) -> Figure:
    """The figure: one small panel per pillar on a shared 0-100 axis, gaps where rounds are
    withheld, the hacks' marks on their pillars' panels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    # Room at the bottom for the note.
    layout = ConstrainedLayoutEngine(h_pad=0.04, rect=(0, 0.05, 1, 0.95))
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, layout=layout)
    FigureCanvasAgg(figure)
    figure.suptitle(words.title, x=0.01, ha="left", fontsize=11, color=INK)
    axes = figure.subplots(2, 2, sharex=True, sharey=True).flatten()
    days = [series.day(moment) for moment in series.rounds]
    for index, (ax, panel) in enumerate(zip(axes, series.pillars, strict=False)):
        colour = COLOURS[panel.pillar]
        _frame(ax, words.panels[index], colour)
        values = [math.nan if v is None else v for v in panel.values]
        # NaN breaks the line: a withheld round is a gap, with no marker and no value.
        dotted = len(days) <= MANY_ROUNDS
        ax.plot(
            days, values, color=colour, linewidth=1.6, marker="o" if dotted else "", gid="scores"
        )
        lone = [i for i in range(len(values)) if _alone(panel.values, i)]
        if lone and not dotted:
            # A round between two gaps is no line at all: it needs its dot.
            ax.plot(
                [days[i] for i in lone], [values[i] for i in lone], "o", color=colour, gid="lone"
            )
        for mark, label in zip(series.marks, words.marks, strict=True):
            if mark.pillar is panel.pillar:
                x = series.day(mark.at)
                style = MARK_STYLE[mark.kind]
                ax.axvline(x, color=INK, linewidth=0.9, linestyle=style, gid=f"hack-{mark.kind}")
                ax.text(
                    x,
                    98,
                    label,
                    rotation=90,
                    ha="left",
                    va="top",
                    fontsize=7,
                    color=INK,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
                    gid="hack-label",
                )
    _x_axis(axes[-1], series, words, days)
    figure.text(
        0.01, 0.005, words.note if days else words.empty, fontsize=7.5, color=MUTED, wrap=True
    )
    return figure


def _frame(ax: Axes, name: str, colour: str) -> None:
    ax.set_title(name, loc="left", fontsize=10, color=colour, fontweight="bold")
    ax.set_ylim(0, 100)
    ax.set_yticks(TICKS)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _x_axis(ax: Axes, series: ChartSeries, words: ChartWords, days: list[float]) -> None:
    """Round dates below the panels; the axis spans the rounds and any hack marked after."""
    ends = days + [series.day(mark.at) for mark in series.marks]
    if not ends:
        ax.set_xticks([])
        return
    low, high = min(ends), max(ends)
    pad = max(HALF_WEEK, (high - low) * 0.03)
    ax.set_xlim(low - pad, high + pad)
    ax.set_xticks([days[i] for i, _ in words.dates], [label for _, label in words.dates])


def _fewer_colours(png: bytes) -> bytes:
    """The PNG with an adaptive palette: a third of the bytes, the same to the eye."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        reduced = image.convert("RGB").quantize(
            colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    out = io.BytesIO()
    reduced.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _alone(values: tuple[float | None, ...], index: int) -> bool:
    """Whether the round at `index` has a value and no neighbour with one."""

    def known(i: int) -> bool:
        return 0 <= i < len(values) and values[i] is not None

    return known(index) and not known(index - 1) and not known(index + 1)
