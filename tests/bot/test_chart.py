"""The trend chart: valid SVG, a fixed 0-100 scale, gaps for hidden rounds, hack markers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.chart import BOTTOM, COLOURS, HEIGHT, LEFT, RIGHT, TOP, WIDTH, trend_svg
from content.loader import default_pack
from content.schema import ContentPack, Language, Localized, PillarKey
from surveys.anonymity import PillarResult, RoundResult, RoundSummary, WithheldSummary
from surveys.rounds import RoundKind
from surveys.scoring import PillarScore
from surveys.trend import HackDone, Trend, TrendPoint

SVG = "{http://www.w3.org/2000/svg}"
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
WEEK = timedelta(weeks=1)
PLOT_W = WIDTH - LEFT - RIGHT
PLOT_H = HEIGHT - TOP - BOTTOM
HACK = "check-in-round"


def summary(scores: Mapping[PillarKey, float]) -> RoundSummary:
    return RoundSummary(
        round_id="r",
        kind=RoundKind.PULSE,
        closed_at=T0,
        respondents=6,
        channel_size=9,
        pillars={
            key: PillarResult(
                score=PillarScore(
                    pillar=key, score=score, favourable=50.0, answers=6, standard_error=5.0
                ),
                change=None,
            )
            for key, score in scores.items()
        },
    )


def everywhere(score: float) -> RoundSummary:
    return summary(dict.fromkeys(PillarKey, score))


def withheld() -> WithheldSummary:
    return WithheldSummary(
        round_id="r",
        kind=RoundKind.PULSE,
        closed_at=T0,
        respondents=2,
        min_respondents=5,
        channel_size=9,
    )


def a_trend(results: Sequence[RoundResult], done: Sequence[HackDone] = ()) -> Trend:
    return Trend(
        team_id="t",
        points=[TrendPoint(opened_at=T0 + i * WEEK, result=r) for i, r in enumerate(results)],
        hacks_done=list(done),
    )


def draw(
    trend: Trend, content: ContentPack | None = None, *, language: Language = "en"
) -> ET.Element:
    svg = trend_svg(trend, content or default_pack(), language=language, zone=ZoneInfo("UTC"))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def polylines(root: ET.Element, pillar: PillarKey) -> list[list[tuple[float, float]]]:
    return [
        [
            (float(x), float(y))
            for x, y in (pair.split(",") for pair in line.attrib["points"].split())
        ]
        for line in root.iter(f"{SVG}polyline")
        if line.attrib["stroke"] == COLOURS[pillar]
    ]


def x_at(index: float, count: int) -> float:
    return round(LEFT + PLOT_W * index / (count - 1), 1)


def y_at(score: float) -> float:
    return round(TOP + PLOT_H * (1 - score / 100), 1)


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def test_one_line_per_pillar_through_every_round() -> None:
    root = draw(a_trend([everywhere(60.0), everywhere(70.0), everywhere(80.0)]))
    assert len(list(root.iter(f"{SVG}polyline"))) == 4
    for pillar in PillarKey:
        assert polylines(root, pillar) == [
            [(x_at(0, 3), y_at(60.0)), (x_at(1, 3), y_at(70.0)), (x_at(2, 3), y_at(80.0))]
        ]
    assert len(list(root.iter(f"{SVG}circle"))) == 12


def test_a_hidden_round_leaves_a_gap() -> None:
    results: list[RoundResult] = [everywhere(60.0)] * 2 + [withheld()] + [everywhere(70.0)] * 2
    root = draw(a_trend(results))
    for pillar in PillarKey:
        assert polylines(root, pillar) == [
            [(x_at(0, 5), y_at(60.0)), (x_at(1, 5), y_at(60.0))],
            [(x_at(3, 5), y_at(70.0)), (x_at(4, 5), y_at(70.0))],
        ]
    # No dot is drawn for the hidden round either.
    xs = {float(c.attrib["cx"]) for c in root.iter(f"{SVG}circle")}
    assert x_at(2, 5) not in xs
    assert len(xs) == 4


def test_a_pillar_not_asked_in_a_round_is_a_gap_on_that_pillar_only() -> None:
    partial = summary({PillarKey.INCLUDE: 50.0, PillarKey.LEARN: 50.0})
    root = draw(a_trend([everywhere(60.0), partial, everywhere(60.0)]))
    assert len(polylines(root, PillarKey.INCLUDE)) == 1
    assert len(polylines(root, PillarKey.CHALLENGE)) == 2


def test_the_scale_is_fixed_from_0_to_100() -> None:
    narrow = draw(a_trend([everywhere(50.0), everywhere(55.0)]))
    wide = draw(a_trend([everywhere(0.0), everywhere(50.0), everywhere(100.0)]))
    # 50 sits at the same height whatever the data around it.
    assert polylines(narrow, PillarKey.LEARN)[0][0][1] == y_at(50.0) == TOP + PLOT_H / 2
    assert polylines(wide, PillarKey.LEARN)[0][1][1] == y_at(50.0)
    # 0 is the bottom of the plot and 100 its top.
    assert polylines(wide, PillarKey.LEARN)[0][0][1] == TOP + PLOT_H
    assert polylines(wide, PillarKey.LEARN)[0][2][1] == TOP
    # The axis is labelled 0-100 in quarters.
    assert [t for t in texts(wide) if t in {"0", "25", "50", "75", "100"}] == [
        "0",
        "25",
        "50",
        "75",
        "100",
    ]


def test_a_single_round_is_drawn_in_the_middle() -> None:
    root = draw(a_trend([everywhere(40.0)]))
    assert polylines(root, PillarKey.INCLUDE) == [[(LEFT + PLOT_W / 2, y_at(40.0))]]


def test_an_empty_trend_is_still_a_chart() -> None:
    root = draw(a_trend([]))
    assert list(root.iter(f"{SVG}polyline")) == []
    assert root.findtext(f"{SVG}title") == default_pack().text("chart-title", "en")


@pytest.mark.parametrize(
    ("language", "labels"),
    [("en", ["5 Jan", "12 Jan", "19 Jan"]), ("da", ["5. jan.", "12. jan.", "19. jan."])],
)
def test_title_dates_and_legend_in_the_team_language(language: Language, labels: list[str]) -> None:
    pack = default_pack()
    root = draw(a_trend([everywhere(60.0)] * 3), language=language)
    assert root.findtext(f"{SVG}title") == pack.text("chart-title", language)
    shown = texts(root)
    for label in labels:
        assert label in shown
    for pillar in pack.pillars:
        assert pillar.name.in_(language) in shown


def test_date_labels_thin_out_on_a_long_trend() -> None:
    root = draw(a_trend([everywhere(60.0)] * 20))
    axis = [t for t in root.iter(f"{SVG}text") if t.attrib["y"] == str(HEIGHT - BOTTOM + 18)]
    # Every second round (20 // 8 = 2), and always the last one.
    assert [float(t.attrib["x"]) for t in axis] == [x_at(i, 20) for i in [*range(0, 20, 2), 19]]


def markers(root: ET.Element) -> list[ET.Element]:
    return [
        line for line in root.iter(f"{SVG}line") if line.attrib.get("stroke-dasharray") == "4 3"
    ]


def test_a_hack_done_shows_as_a_dashed_marker_where_it_happened() -> None:
    done = HackDone(hack_id=HACK, at=T0 + WEEK + timedelta(days=3, hours=12))
    root = draw(a_trend([everywhere(60.0)] * 3, [done]))
    [marker] = markers(root)
    x = x_at(1.5, 3)
    assert float(marker.attrib["x1"]) == float(marker.attrib["x2"]) == x
    assert float(marker.attrib["y1"]) == TOP
    assert float(marker.attrib["y2"]) == TOP + PLOT_H
    title = default_pack().hack(HACK).title.en
    assert f"✓ {title}" in texts(root)


def test_a_hack_after_the_last_round_marks_the_last_round() -> None:
    done = HackDone(hack_id=HACK, at=T0 + 5 * WEEK)
    root = draw(a_trend([everywhere(60.0)] * 3, [done]))
    [marker] = markers(root)
    assert float(marker.attrib["x1"]) == x_at(2, 3)


def test_a_hack_before_the_first_round_is_not_drawn() -> None:
    done = HackDone(hack_id=HACK, at=T0 - timedelta(days=1))
    root = draw(a_trend([everywhere(60.0)] * 3, [done]))
    assert markers(root) == []
    assert not any(t.startswith("✓") for t in texts(root))


def test_text_is_escaped() -> None:
    pack = default_pack()
    tricky = Localized(da="Te & <kage>", en='Tea & <cake> "now"')
    hacks = tuple(h.model_copy(update={"title": tricky}) if h.id == HACK else h for h in pack.hacks)
    pillars = tuple(
        p.model_copy(update={"name": Localized(da="F&U", en="R&D <team>")})
        if p.key is PillarKey.LEARN
        else p
        for p in pack.pillars
    )
    messages = {**pack.messages, "chart-title": Localized(da="<b>Tryg</b>", en="A < B & C")}
    custom = pack.model_copy(update={"hacks": hacks, "pillars": pillars, "messages": messages})
    done = HackDone(hack_id=HACK, at=T0 + timedelta(days=1))
    trend = a_trend([everywhere(60.0)] * 2, [done])

    raw = trend_svg(trend, custom, language="en", zone=ZoneInfo("UTC"))
    assert "<cake>" not in raw
    assert "<team>" not in raw
    root = ET.fromstring(raw)  # parses only if everything was escaped
    assert root.findtext(f"{SVG}title") == "A < B & C"
    shown = texts(root)
    assert '✓ Tea & <cake> "now"' in shown
    assert "R&D <team>" in shown

    danish = ET.fromstring(trend_svg(trend, custom, language="da", zone=ZoneInfo("UTC")))
    assert danish.findtext(f"{SVG}title") == "<b>Tryg</b>"
    assert list(danish.iter(f"{SVG}b")) == []
