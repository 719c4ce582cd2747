"""The chart's numbers in words: what a screen reader says instead of the picture."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.chart.series import ChartSeries, MarkKind
from bot.views.results import signed
from bot.views.texts import Texts
from content.schema import ContentPack, Language, PillarKey
from surveys.anonymity import RoundSummary
from surveys.scoring import Direction
from surveys.trend import Trend

CHANGE_MESSAGES = {
    Direction.UP: "chart-alt-rose",
    Direction.DOWN: "chart-alt-fell",
    Direction.FLAT: "chart-alt-steady",
}
MARK_MESSAGES = {MarkKind.STARTED: "chart-alt-hack-started", MarkKind.DONE: "chart-alt-hack-done"}


def alt_text(
    trend: Trend, series: ChartSeries, content: ContentPack, *, language: Language, zone: ZoneInfo
) -> str:
    """The rounds shown, each pillar's latest score and its change on the same statements
    (when the trend has one), how many rounds are hidden, and the hacks marked."""
    t = Texts(content, language)
    if not series.rounds:
        return t("chart-alt-empty")
    first, last = (t.short_date(series.rounds[i], zone) for i in (0, -1))
    rounds = len(series.rounds)
    sentences = [
        t("chart-alt-intro", rounds=rounds, first=first, last=last)
        if rounds > 1
        else t("chart-alt-intro-one", first=first)
    ]
    for panel in series.pillars:
        sentences += _pillar(trend, panel.pillar, t, zone)
    if series.withheld:
        sentences.append(t("chart-alt-withheld", count=series.withheld, rounds=rounds))
    told: set[tuple[str, object, MarkKind]] = set()
    for mark in series.marks:
        if (mark.hack_id, mark.at, mark.kind) not in told:
            told.add((mark.hack_id, mark.at, mark.kind))
            hack = t.of(content.hack(mark.hack_id).title)
            sentences.append(
                t(MARK_MESSAGES[mark.kind], hack=hack, date=t.short_date(mark.at, zone))
            )
    return " ".join(sentences)


def _pillar(trend: Trend, pillar: PillarKey, t: Texts, zone: ZoneInfo) -> list[str]:
    """The pillar's latest shown score, and its change as the summary card reads it."""
    for point in reversed(trend.points):
        result = point.result
        if isinstance(result, RoundSummary) and pillar in result.pillars:
            shown = result.pillars[pillar]
            said = [
                t(
                    "chart-alt-score",
                    pillar=t.pillar(pillar),
                    score=f"{shown.score.score:.0f}",
                    date=t.short_date(point.opened_at, zone),
                )
            ]
            change = shown.change
            if change is not None:
                points = signed(change.delta) if not change.notable else abs(round(change.delta))
                since = t.short_date(change.since, zone)
                said.append(t(CHANGE_MESSAGES[change.direction], points=points, date=since))
            return said
    return [t("chart-alt-no-score", pillar=t.pillar(pillar))]
