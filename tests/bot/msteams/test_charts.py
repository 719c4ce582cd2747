"""The trend chart in Teams, over HTTP: the summary card at close carries it as an image (a
round shown only, once), the private trend's card reaches only the asker, and a withheld
round is a gap in the next chart."""

from __future__ import annotations

import base64
from typing import Any
from zoneinfo import ZoneInfo

from bot.chart.pictures import trend_chart
from bot.chart.series import chart_series
from content.loader import default_pack
from surveys.service import SUMMARY_ROUNDS
from surveys.team import ChannelRef
from tests.bot.msteams.harness import CHANNEL, FACILITATOR, PEOPLE, Teams
from tests.bot.msteams.steps import answer, set_up, start_pulse

PREFIX = "data:image/png;base64,"


async def a_round(teams: Teams, *, answering: int) -> None:
    """A round `answering` people (not the facilitator) answer, closed by hand."""
    pulse = await start_pulse(teams)
    for person in PEOPLE[1 : 1 + answering]:
        await answer(teams, pulse, person, value=4)
    teams.clock.advance(hours=1)  # a round may be closed by hand after an hour
    await teams.say("close", person=FACILITATOR)


def images(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in card["body"] if block["type"] == "Image"]


def summaries(teams: Teams) -> list[dict[str, Any]]:
    """The summary cards started as threads in the channel (the pulse cards left out)."""
    return [
        thread.cards[0]
        for thread in teams.connector.threads(CHANNEL)
        if "How we're doing" in str(thread.cards[0]) or "Results hidden" in str(thread.cards[0])
    ]


async def test_the_summary_at_close_carries_the_chart(teams: Teams) -> None:
    await set_up(teams)
    await a_round(teams, answering=5)
    (summary,) = summaries(teams)
    (image,) = images(summary)
    assert image["url"].startswith(PREFIX)
    png = base64.b64decode(image["url"][len(PREFIX) :])
    assert png.startswith(b"\x89PNG")
    assert "Include: 75 in the latest round shown" in image["altText"]
    # One card, one picture: nothing else was posted for the close.
    assert sum(len(images(card)) for card in summaries(teams)) == 1


async def test_a_withheld_round_has_no_chart_and_is_a_gap_in_the_next(teams: Teams) -> None:
    await set_up(teams)
    await a_round(teams, answering=5)
    await a_round(teams, answering=2)  # fewer than 5: withheld
    shown, hidden = summaries(teams)
    assert len(images(shown)) == 1
    assert images(hidden) == []
    await a_round(teams, answering=5)
    (image,) = images(summaries(teams)[-1])
    assert "(gaps in the chart): 1 of 3." in image["altText"]
    team = await teams.pulse.team_in(ChannelRef("teams", "tenant-1", CHANNEL))
    trend = await teams.pulse.trend(team.id, rounds=SUMMARY_ROUNDS)
    pack = default_pack()
    assert all(panel.values[1] is None for panel in chart_series(trend, pack).pillars)
    drawn = trend_chart(trend, pack, language="en", zone=ZoneInfo("Europe/Copenhagen"))
    assert base64.b64decode(image["url"][len(PREFIX) :]) == drawn.png


async def test_the_private_trend_reaches_only_the_asker(teams: Teams) -> None:
    await set_up(teams)
    await a_round(teams, answering=5)
    threads = len(teams.connector.threads(CHANNEL))
    await teams.say("trend", person=FACILITATOR)
    (image,) = images(teams.chat(FACILITATOR)[-1])
    assert image["url"].startswith(PREFIX)
    # Nothing new in the channel, nothing in anyone else's chat.
    assert len(teams.connector.threads(CHANNEL)) == threads
    for person in PEOPLE[1:]:
        assert all(images(card) == [] for card in teams.chat(person))
    await teams.say("trend", person=PEOPLE[5])
    assert images(teams.chat(PEOPLE[5])[-1]) == []
