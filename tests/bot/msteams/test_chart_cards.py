"""The trend chart in an Adaptive Card: an Image with a data URI while the card stays within
Teams' size limit, measured against a long history, and its alt text in words beyond it."""

from __future__ import annotations

import base64
import random
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.chart.pictures import trend_chart
from bot.msteams.cards import CARD_MAX_BYTES, adaptive_card, size_of
from bot.views.card import Card, ChartImage, Heading
from bot.views.results import trend_report
from content.schema import ContentPack, Language, PillarKey
from surveys.anonymity import RoundResult
from surveys.hack_cycle import HackPeriod
from surveys.service import MAX_TREND_ROUNDS, SUMMARY_ROUNDS
from surveys.trend import Trend
from tests.bot.chart.trends import HACK, T0, WEEK, a_trend, summary, withheld
from tests.bot.views.samples import a_world
from tests.fakes.adaptive_cards import card_problems, schema_available

# Teams' documented limit for a message (card included), in bytes.
TEAMS_MESSAGE_LIMIT = 28 * 1024


def jagged(rounds: int, *, seed: int = 1) -> Trend:
    """A history whose scores jump every round (the hardest to compress), a round in seven
    withheld, and a few hacks: the largest picture a trend of this length can make."""
    rng = random.Random(seed)
    results: list[RoundResult] = [
        withheld() if i % 7 == 3 else summary({key: rng.uniform(10, 95) for key in PillarKey})
        for i in range(rounds)
    ]
    hacks = [HackPeriod(HACK, T0 + WEEK * i, done_at=T0 + WEEK * (i + 3)) for i in (1, 20, 50)]
    return a_trend(results, hacks=hacks)


def chart_of(trend: Trend, content: ContentPack, language: Language = "en") -> ChartImage:
    return trend_chart(trend, content, language=language, zone=ZoneInfo("Europe/Copenhagen"))


def images(card: dict[str, Any]) -> list[dict[str, str]]:
    return [b for b in card["body"] if b["type"] == "Image"]


def test_a_chart_is_an_image_with_a_data_uri_and_its_alt_text(content: ContentPack) -> None:
    chart = chart_of(jagged(8), content)
    card = adaptive_card(Card(fallback="f", elements=(Heading("h"), chart)))
    (image,) = images(card)
    prefix = "data:image/png;base64,"
    assert image["url"].startswith(prefix)
    assert base64.b64decode(image["url"][len(prefix) :]) == chart.png
    assert image["altText"] == chart.alt_text
    if schema_available():
        assert card_problems(card) == []


@pytest.mark.parametrize("language", ["da", "en"])
async def test_the_summarys_history_fits_with_its_picture(
    content: ContentPack, language: Language
) -> None:
    world = await a_world(content, language)
    trend = jagged(SUMMARY_ROUNDS)
    card = adaptive_card(
        trend_report(trend, world.team, content, chart=chart_of(trend, content, language))
    )
    assert len(images(card)) == 1
    assert size_of(card) <= CARD_MAX_BYTES < TEAMS_MESSAGE_LIMIT


@pytest.mark.parametrize("rounds", [12, 52, MAX_TREND_ROUNDS])
async def test_a_long_history_stays_within_the_limit(content: ContentPack, rounds: int) -> None:
    world = await a_world(content, "da")
    trend = jagged(rounds)
    chart = chart_of(trend, content, "da")
    card = adaptive_card(trend_report(trend, world.team, content, chart=chart))
    assert size_of(card) <= CARD_MAX_BYTES
    texts = [b.get("text") for b in card["body"]]
    if images(card):
        assert chart.alt_text not in texts
    else:
        # Too large for a picture: the numbers in words instead, never a cut-off card.
        assert chart.alt_text in texts
    if schema_available():
        assert card_problems(card) == []


def test_twelve_weeks_show_the_picture(content: ContentPack) -> None:
    """The default `trend` (12 rounds) and a summary's 8 both carry their picture."""
    for rounds in (SUMMARY_ROUNDS, 12):
        chart = chart_of(jagged(rounds), content)
        card = adaptive_card(Card(fallback="f", elements=(Heading("h"), chart)))
        assert images(card), rounds
