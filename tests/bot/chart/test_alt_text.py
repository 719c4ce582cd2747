"""The alt text says the chart's numbers in words: the same numbers as the trend, da and en."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.chart.alt_text import alt_text
from bot.chart.series import chart_series
from content.schema import ContentPack, Language, PillarKey
from surveys.hack_cycle import HackPeriod
from surveys.scoring import Change
from surveys.trend import Trend
from tests.bot.chart.trends import HACK, T0, WEEK, a_trend, everywhere, summary, withheld

UTC = ZoneInfo("UTC")


def said(trend: Trend, content: ContentPack, language: Language = "en") -> str:
    return alt_text(trend, chart_series(trend, content), content, language=language, zone=UTC)


def test_each_pillars_latest_score_and_its_change_on_the_same_statements(
    content: ContentPack,
) -> None:
    changes = {
        PillarKey.INCLUDE: Change(delta=12.4, notable=True, since=T0),
        PillarKey.LEARN: Change(delta=-15.6, notable=True, since=T0),
        PillarKey.CONTRIBUTE: Change(delta=-2.4, notable=False, since=T0),
    }
    latest = summary(
        {
            PillarKey.INCLUDE: 71.6,
            PillarKey.LEARN: 40.2,
            PillarKey.CONTRIBUTE: 55.0,
            PillarKey.CHALLENGE: 62.5,
        },
        changes=changes,
    )
    text = said(a_trend([everywhere(60.0), withheld(), latest]), content)
    assert text == (
        "Chart of the team's psychological safety in 3 rounds from 5 Jan to 19 Jan: one small"
        " chart per pillar on a scale from 0 to 100, where 50 is neither agree nor disagree and"
        " 75 is agree."
        " Include: 72 in the latest round shown (19 Jan)."
        " Up 12 points since 5 Jan on the same statements – more than chance."
        " Learn: 40 in the latest round shown (19 Jan)."
        " Down 16 points since 5 Jan on the same statements – more than chance."
        " Contribute: 55 in the latest round shown (19 Jan)."
        " −2 points since 5 Jan on the same statements – too little to tell from chance."
        " Challenge: 62 in the latest round shown (19 Jan)."
        " Rounds hidden so that no one can be recognised (gaps in the chart): 1 of 3."
    )


def test_the_numbers_are_the_trends_own(content: ContentPack) -> None:
    scores = [33.3, 47.5, 80.49]
    trend = a_trend([everywhere(s) for s in scores])
    text = said(trend, content)
    for pillar in content.pillars:
        assert f"{pillar.name.en}: {trend.series(pillar.key)[-1]:.0f} in the latest" in text
    assert "80 in the latest round shown (19 Jan)" in text
    assert "hidden" not in text


def test_a_latest_round_withheld_says_the_last_one_shown(content: ContentPack) -> None:
    text = said(a_trend([everywhere(58.0), withheld(), withheld()]), content)
    assert "Include: 58 in the latest round shown (5 Jan)." in text
    assert text.endswith("(gaps in the chart): 2 of 3.")


def test_a_pillar_never_shown_says_so(content: ContentPack) -> None:
    text = said(a_trend([withheld(), summary({PillarKey.LEARN: 50.0})]), content)
    assert "Include: no result shown." in text
    assert "Learn: 50 in the latest round shown (12 Jan)." in text


def test_hacks_started_and_done(content: ContentPack) -> None:
    period = HackPeriod(HACK, T0 + timedelta(days=2), done_at=T0 + 2 * WEEK)
    text = said(a_trend([everywhere(60.0)] * 3, hacks=[period]), content)
    assert text.endswith("7 Jan: “Check-in round” started. 19 Jan: “Check-in round” done.")


def test_one_round_and_none(content: ContentPack) -> None:
    assert said(a_trend([everywhere(60.0)]), content).startswith(
        "Chart of the team's psychological safety in the round of 5 Jan:"
    )
    assert said(a_trend([]), content) == (
        "Chart of the team's psychological safety: there are no closed rounds yet."
    )


def test_in_danish(content: ContentPack) -> None:
    changes = {PillarKey.INCLUDE: Change(delta=-11.0, notable=True, since=T0)}
    latest = summary(dict.fromkeys(PillarKey, 49.0), changes=changes)
    period = HackPeriod(HACK, T0 + timedelta(days=2))
    text = said(a_trend([everywhere(60.0), withheld(), latest], hacks=[period]), content, "da")
    assert text.startswith("Graf over teamets tryghed i 3 runder fra 5. jan. til 19. jan.:")
    assert "Inkludere: 49 i seneste viste runde (19. jan.)." in text
    assert "Faldt 11 point siden 5. jan. på de samme udsagn – mere end tilfældigt." in text
    assert "Runder skjult, så ingen kan genkendes (huller i grafen): 1 af 3." in text
    assert text.endswith("7. jan.: ”Check-in-runde” startet.")


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_word_is_from_the_pack(content: ContentPack, language: Language) -> None:
    messages = {
        key: message.model_copy(update={language: f"<{key}>"})
        for key, message in content.messages.items()
        if key.startswith("chart-alt-")
    }
    pack = content.model_copy(update={"messages": {**content.messages, **messages}})
    text = said(a_trend([everywhere(60.0), withheld()]), pack, language)
    assert text == (
        "<chart-alt-intro> <chart-alt-score> <chart-alt-score> <chart-alt-score>"
        " <chart-alt-score> <chart-alt-withheld>"
    )
