"""Results: a closed round's summary with the hack of the week, and the trend for leaders."""

from __future__ import annotations

from bot.sparkline import sparkline
from bot.views.card import (
    Action,
    Button,
    Buttons,
    Card,
    Chart,
    Element,
    Facts,
    Heading,
    Items,
    Note,
    Paragraph,
)
from bot.views.leader_questions import leader_questions
from bot.views.texts import Texts
from content.schema import ContentPack, PillarKey
from surveys.announcements import RoundOutcome
from surveys.anonymity import PillarResult, RoundSummary, WithheldReason, WithheldSummary
from surveys.hack_choice import HackSuggestion
from surveys.scoring import Direction
from surveys.team import Team
from surveys.trend import Trend

ARROWS = {Direction.UP: "▲", Direction.DOWN: "▼", Direction.FLAT: ""}


# Why a round was withheld, and the message that says so. A withheld round shows this and
# nothing else, wherever it appears: no count, no percentage, no score.
WITHHELD_MESSAGES = {
    WithheldReason.TOO_FEW: "withheld",
    WithheldReason.OVERLAP: "withheld-overlap",
}


def withheld_text(result: WithheldSummary, t: Texts) -> str:
    """Why the round's results are hidden: fewer than k answered, or an overlapping team."""
    return t(WITHHELD_MESSAGES[result.reason], k=result.min_respondents)


def summary(outcome: RoundOutcome, content: ContentPack) -> Card:
    """The channel summary; a withheld round says why and shows nothing else (not the count)."""
    team, result = outcome.team, outcome.result
    t = Texts(content, team.settings.language)
    title = t("summary-title", date=t.short_date(outcome.round.opened_at, team.settings.zone))
    if not isinstance(result, RoundSummary):
        text = withheld_text(result, t)
        return Card(fallback=f"{title}: {text}", elements=(Heading(title), Paragraph(text)))
    answered = t("answered-of", respondents=result.respondents, size=result.channel_size or "?")
    rows = tuple(
        (
            t.pillar(key),
            sparkline(outcome.trend.series(key)),
            _score_text(pillar),
        )
        for key, pillar in result.pillars.items()
    )
    elements: list[Element] = [
        Heading(title),
        Chart(rows),
        Note(f"{answered} · {t('summary-scale')}"),
        *_hack_teaser(outcome.suggestion, t),
    ]
    return Card(fallback=f"{title}: {answered}", elements=tuple(elements))


def _score_text(pillar: PillarResult) -> str:
    change = pillar.change
    score = f"{pillar.score.score:.0f}"
    if change is None or not change.notable:
        return score
    return f"{score} {ARROWS[change.direction]}{change.delta:+.0f}"


def _hack_teaser(suggestion: HackSuggestion, t: Texts) -> tuple[Element, ...]:
    hack = suggestion.hack
    return (
        Heading(t("hack-of-the-week-title", hack=t.of(hack.title))),
        Paragraph(f"{_reason(suggestion, t)} {t.of(hack.purpose)}"),
        Buttons((Button(t("hack-start"), Action.START_DISCUSSION, hack.id, primary=True),)),
    )


def _reason(suggestion: HackSuggestion, t: Texts) -> str:
    return t(f"hack-reason-{suggestion.reason}", pillar=t.pillar(suggestion.pillar))


def trend_report(trend: Trend, team: Team, content: ContentPack) -> Card:
    """The private trend for leaders and facilitators: sparklines, changes, hacks, hints."""
    t = Texts(content, team.settings.language)
    title = t("trend-title", rounds=len(trend.points), team=team.name or t("trend-this-team"))
    if not trend.points:
        return Card(fallback=title, elements=(Heading(title), Paragraph(t("trend-empty"))))
    rows: list[tuple[str, str, str]] = []
    for key in PillarKey:
        known = [v for v in trend.series(key) if v is not None]
        span = f"{known[0]:.0f} → {known[-1]:.0f}" if known else "–"
        rows.append((t.pillar(key), sparkline(trend.series(key)), span))
    rates = [p.participation for p in trend.points]
    known_rates = [r for r in rates if r is not None]
    rows.append(
        (
            t("participation"),
            sparkline(rates),
            f"{known_rates[-1]:.0f} %" if known_rates else "–",
        )
    )
    elements: list[Element] = [Heading(title), Chart(tuple(rows)), Note(t("trend-legend"))]
    changes = trend.latest_changes
    if changes:
        elements.append(
            Facts(
                tuple(
                    (t.pillar(key), t(f"trend-change-{change.direction}", points=abs(change.delta)))
                    for key, change in changes.items()
                )
            )
        )
    titled = {h.id for h in content.hacks}
    done = tuple(
        t(
            "trend-hack-done",
            hack=t.of(content.hack(entry.hack_id).title),
            date=t.short_date(entry.at, team.settings.zone),
        )
        for entry in trend.hacks_done
        if entry.hack_id in titled  # a hack from an earlier content pack has no title now
    )
    if done:
        elements.append(Items(done))
    if trend.participation_falling:
        elements.append(Paragraph(t("hint-participation-falling")))
    elements.extend(leader_questions(trend, team, content))
    return Card(fallback=title, elements=tuple(elements))
