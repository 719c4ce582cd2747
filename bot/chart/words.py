"""Every word on the trend chart, from the content pack, in the team's language."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.chart.series import ChartSeries, MarkKind
from bot.views.texts import Texts
from content.schema import ContentPack, Language

# Enough date labels to find a round, few enough not to collide on a half-width panel.
MAX_DATE_LABELS = 4


@dataclass(frozen=True, slots=True)
class ChartWords:
    """The title, the panels' names (the series' order), the date labels (by round index),
    each mark's label (the marks' order) and the note under the panels."""

    title: str
    panels: tuple[str, ...]
    dates: tuple[tuple[int, str], ...]
    marks: tuple[str, ...]
    note: str
    empty: str


MARK_MESSAGES = {MarkKind.STARTED: "chart-hack-started", MarkKind.DONE: "chart-hack-done"}


def chart_words(
    series: ChartSeries, content: ContentPack, *, language: Language, zone: ZoneInfo
) -> ChartWords:
    """The words for `series`: pillar names, short dates, hacks by their short names (a title would not fit a panel)."""
    t = Texts(content, language)
    count = len(series.rounds)
    step = max(1, -(-count // MAX_DATE_LABELS))
    # The last round is always labelled: it is the one a summary is about.
    picked = [i for i in range(count) if i % step == 0 and count - 1 - i >= step / 2]
    picked += [count - 1] if count else []
    return ChartWords(
        title=t("chart-title"),
        panels=tuple(t.pillar(panel.pillar) for panel in series.pillars),
        dates=tuple((i, t.short_date(series.rounds[i], zone)) for i in picked),
        marks=tuple(
            t(MARK_MESSAGES[mark.kind], hack=content.hack(mark.hack_id).alias.in_(language))
            for mark in series.marks
        ),
        note=t("chart-note"),
        empty=t("trend-empty"),
    )
