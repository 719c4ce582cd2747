"""A trend's chart (PNG and alt text), and the cache that draws each picture once.

A chart changes only when what it draws changes: a round closes, a hack is started or done,
a round becomes withheld (a raised k). The cache is keyed by the team, its latest closed
round, the language and everything drawn, so every such change is a new picture and every
other ask is a hit. Why in-process is enough: docs/charts.md.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.chart.alt_text import alt_text
from bot.chart.drawing import render_png
from bot.chart.series import ChartSeries, chart_series
from bot.chart.words import ChartWords, chart_words
from bot.failures import failure
from bot.views.card import ChartImage
from content.schema import ContentPack, Language
from surveys.announcements import RoundOutcome
from surveys.anonymity import RoundSummary
from surveys.trend import Trend

log = logging.getLogger(__name__)

CACHED_PICTURES = 128  # about 15 kB each


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a chart will draw and say, before it is drawn."""

    series: ChartSeries
    words: ChartWords
    alt_text: str


def _plan(trend: Trend, content: ContentPack, *, language: Language, zone: ZoneInfo) -> _Plan:
    series = chart_series(trend, content)
    return _Plan(
        series=series,
        words=chart_words(series, content, language=language, zone=zone),
        alt_text=alt_text(trend, series, content, language=language, zone=zone),
    )


def trend_chart(
    trend: Trend, content: ContentPack, *, language: Language, zone: ZoneInfo
) -> ChartImage:
    """Draw `trend` now (the demo; a service uses ChartCache, off the event loop)."""
    plan = _plan(trend, content, language=language, zone=zone)
    return ChartImage(
        png=render_png(plan.series, plan.words), alt_text=plan.alt_text, title=plan.words.title
    )


@dataclass(frozen=True, slots=True)
class _Key:
    team_id: str
    round_id: str | None  # the latest closed round shown
    language: Language
    series: ChartSeries
    words: ChartWords


class ChartCache:
    """The latest pictures drawn, least recently used out first; drawing happens in a
    thread, so the event loop goes on meanwhile, and a picture asked for twice at once is
    drawn once."""

    def __init__(self, content: ContentPack, *, size: int = CACHED_PICTURES) -> None:
        self._content = content
        self._size = size
        self._pictures: OrderedDict[_Key, bytes] = OrderedDict()
        self._drawing: dict[_Key, asyncio.Future[bytes]] = {}
        self.drawn = 0  # pictures drawn so far (tests read it)

    async def chart(self, trend: Trend, *, language: Language, zone: ZoneInfo) -> ChartImage:
        """The chart of `trend`, drawn now or earlier."""
        plan = _plan(trend, self._content, language=language, zone=zone)
        latest = trend.points[-1].result.round_id if trend.points else None
        key = _Key(trend.team_id, latest, language, plan.series, plan.words)
        png = self._pictures.get(key)
        if png is not None:
            self._pictures.move_to_end(key)
            return ChartImage(png=png, alt_text=plan.alt_text, title=plan.words.title)
        pending = self._drawing.get(key)
        if pending is None:
            pending = asyncio.ensure_future(asyncio.to_thread(render_png, plan.series, plan.words))
            self._drawing[key] = pending
            pending.add_done_callback(lambda done: self._keep(key, done))
        png = await asyncio.shield(pending)
        return ChartImage(png=png, alt_text=plan.alt_text, title=plan.words.title)

    async def summary_chart(self, outcome: RoundOutcome) -> ChartImage | None:
        """The chart under a closed round's summary: the team's own gated trend, for a round
        shown only (a withheld round's summary shows nothing but why); None, logged, when
        drawing fails, for the summary goes out without its picture rather than not at all."""
        if not isinstance(outcome.result, RoundSummary):
            return None
        settings = outcome.team.settings
        try:
            return await self.chart(outcome.trend, language=settings.language, zone=settings.zone)
        except Exception as error:
            log.error("the trend chart could not be drawn: %s", failure(error))
            return None

    def _keep(self, key: _Key, done: asyncio.Future[bytes]) -> None:
        self._drawing.pop(key, None)
        if done.cancelled() or done.exception() is not None:
            return
        self.drawn += 1
        self._pictures[key] = done.result()
        while len(self._pictures) > self._size:
            self._pictures.popitem(last=False)
