"""The chart of a trend, and the cache that draws each picture once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.chart.pictures import ChartCache, trend_chart
from content.schema import ContentPack
from surveys.hack_cycle import HackPeriod
from tests.bot.chart.trends import HACK, T0, a_trend, everywhere, withheld

UTC = ZoneInfo("UTC")


def test_a_chart_is_a_png_and_its_alt_text(content: ContentPack) -> None:
    trend = a_trend([everywhere(60.0), withheld()])
    chart = trend_chart(trend, content, language="da", zone=UTC)
    assert chart.png.startswith(b"\x89PNG")
    assert chart.alt_text.startswith("Graf over teamets tryghed i 2 runder")


async def test_the_same_trend_is_drawn_once(content: ContentPack) -> None:
    cache = ChartCache(content)
    trend = a_trend([everywhere(60.0), everywhere(65.0)])
    first = await cache.chart(trend, language="en", zone=UTC)
    again = await cache.chart(
        a_trend([everywhere(60.0), everywhere(65.0)]), language="en", zone=UTC
    )
    assert again == first
    assert cache.drawn == 1
    assert first == trend_chart(trend, content, language="en", zone=UTC)


async def test_asked_twice_at_once_drawn_once(content: ContentPack) -> None:
    cache = ChartCache(content)
    trend = a_trend([everywhere(60.0)])
    both = await asyncio.gather(*(cache.chart(trend, language="en", zone=UTC) for _ in range(2)))
    assert both[0] == both[1]
    assert cache.drawn == 1


async def test_a_new_round_a_language_a_hack_or_a_team_is_a_new_picture(
    content: ContentPack,
) -> None:
    cache = ChartCache(content)
    results = [everywhere(60.0), everywhere(65.0)]
    base = await cache.chart(a_trend(results), language="en", zone=UTC)
    closed = await cache.chart(a_trend([*results, everywhere(70.0)]), language="en", zone=UTC)
    danish = await cache.chart(a_trend(results), language="da", zone=UTC)
    hack = HackPeriod(HACK, T0 + timedelta(days=1))
    started = await cache.chart(a_trend(results, hacks=[hack]), language="en", zone=UTC)
    # A raised k withholds a round shown before: that round is a gap from now on.
    raised = await cache.chart(a_trend([everywhere(60.0), withheld()]), language="en", zone=UTC)
    other = await cache.chart(a_trend(results, team_id="u"), language="en", zone=UTC)
    assert cache.drawn == 6
    pictures = [base, closed, danish, started, raised]
    assert len({chart.png for chart in pictures}) == 5
    # Another team with the same numbers is another entry, and the same picture.
    assert other.png == base.png


async def test_the_least_recently_used_picture_goes_first(content: ContentPack) -> None:
    cache = ChartCache(content, size=2)
    trends = [a_trend([everywhere(score)]) for score in (10.0, 20.0, 30.0)]
    for trend in trends[:2]:
        await cache.chart(trend, language="en", zone=UTC)
    await cache.chart(trends[0], language="en", zone=UTC)  # used again: kept
    await cache.chart(trends[2], language="en", zone=UTC)  # the second one goes
    assert cache.drawn == 3
    await cache.chart(trends[0], language="en", zone=UTC)
    assert cache.drawn == 3
    await cache.chart(trends[1], language="en", zone=UTC)
    assert cache.drawn == 4
