"""A trend chart as a self-contained SVG: one line per pillar, bands, and the hacks the team ran."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.views.texts import Texts
from content.schema import ContentPack, Language, PillarKey
from surveys.trend import Trend

WIDTH, HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 48, 150, 36, 40
COLOURS = {
    PillarKey.INCLUDE: "#2f7ed8",
    PillarKey.LEARN: "#e07b39",
    PillarKey.CONTRIBUTE: "#3a9e5b",
    PillarKey.CHALLENGE: "#8e5ccf",
}
# Heuristic bands from the domain: strong from 75, watch from 50, act below.
BANDS = ((75, 100, "#eef7ee"), (50, 75, "#fbf6e6"), (0, 50, "#fbecec"))


def trend_svg(trend: Trend, content: ContentPack, *, language: Language, zone: ZoneInfo) -> str:
    """The chart of `trend`; withheld rounds leave gaps, hacks done show as dashed markers."""
    count = max(1, len(trend.points))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: float) -> float:
        return LEFT + (plot_w * index / (count - 1) if count > 1 else plot_w / 2)

    def y(score: float) -> float:
        return TOP + plot_h * (1 - score / 100)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(content.text('chart-title', language))}</title>",
        f'<text x="{LEFT}" y="22" font-size="15" font-weight="bold">'
        f"{escape(content.text('chart-title', language))}</text>",
    ]
    for low, high, colour in BANDS:
        parts.append(
            f'<rect x="{LEFT}" y="{y(high):.1f}" width="{plot_w}" height="{y(low) - y(high):.1f}" '
            f'fill="{colour}"/>'
        )
    for score in (0, 25, 50, 75, 100):
        parts.append(
            f'<text x="{LEFT - 8}" y="{y(score) + 4:.1f}" text-anchor="end" fill="#666">'
            f"{score}</text>"
        )
    step = max(1, count // 8)
    for index, point in enumerate(trend.points):
        if index % step == 0 or index == count - 1:
            label = Texts(content, language).short_date(point.opened_at, zone)
            parts.append(
                f'<text x="{x(index):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                f'fill="#666">{escape(label)}</text>'
            )
    for done in trend.hacks_done:
        position = _position(trend, done.at)
        if position is None:
            continue
        title = content.hack(done.hack_id).title.in_(language)
        parts.append(
            f'<line x1="{x(position):.1f}" y1="{TOP}" x2="{x(position):.1f}" y2="{TOP + plot_h}" '
            f'stroke="#444" stroke-dasharray="4 3"/>'
            f'<text x="{x(position) + 4:.1f}" y="{TOP + 12}" fill="#444">✓ {escape(title)}</text>'
        )
    for key in PillarKey:
        for run in _runs(trend.series(key)):
            path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{COLOURS[key]}" '
                'stroke-width="2.5"/>'
            )
            parts.extend(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{COLOURS[key]}"/>'
                for i, v in run
            )
    for row, key in enumerate(PillarKey):
        legend_y = TOP + 20 + row * 22
        parts.append(
            f'<rect x="{WIDTH - RIGHT + 16}" y="{legend_y - 10}" width="14" height="4" '
            f'fill="{COLOURS[key]}"/><text x="{WIDTH - RIGHT + 36}" y="{legend_y - 4}">'
            f"{escape(content.pillar(key).name.in_(language))}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _runs(series: list[float | None]) -> list[list[tuple[int, float]]]:
    """Unbroken stretches of known scores, so that hidden rounds show as gaps."""
    runs: list[list[tuple[int, float]]] = [[]]
    for index, value in enumerate(series):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((index, value))
    return [run for run in runs if run]


def _position(trend: Trend, moment: datetime) -> float | None:
    """Where on the x axis `moment` falls (between the rounds around it)."""
    times = [p.opened_at for p in trend.points]
    if not times or moment < times[0]:
        return None
    for index in range(len(times) - 1):
        if times[index] <= moment < times[index + 1]:
            span = (times[index + 1] - times[index]).total_seconds()
            return index + (moment - times[index]).total_seconds() / span
    return float(len(times) - 1)
