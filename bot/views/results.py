"""Results: a closed round's summary with the hack of the week, and the trend for leaders."""

from __future__ import annotations

from bot.views.card import (
    Action,
    Button,
    Buttons,
    Card,
    Chart,
    ChartImage,
    Element,
    Facts,
    Heading,
    Note,
    Paragraph,
)
from bot.views.hacks import hack_history, helped_paragraph, reason_sentences
from bot.views.leader_questions import leader_questions
from bot.views.sparkline import sparkline
from bot.views.texts import Texts
from content.schema import ContentPack, PillarKey
from surveys.announcements import RoundOutcome
from surveys.anonymity import PillarResult, RoundSummary, WithheldReason, WithheldSummary
from surveys.hack_choice import HackReason, HackSuggestion
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


def summary(
    outcome: RoundOutcome, content: ContentPack, *, chart: ChartImage | None = None
) -> Card:
    """The channel summary: scores, the team's trend `chart`, what changed on the same
    statements, and the talk they are for; a withheld round says why, shows no number (not
    the count, not the chart) and invites the talk."""
    team, result = outcome.team, outcome.result
    t = Texts(content, team.settings.language)
    title = t("summary-title", date=t.short_date(outcome.round.opened_at, team.settings.zone))
    if not isinstance(result, RoundSummary):
        text = withheld_text(result, t)
        return Card(
            fallback=f"{title}: {text}",
            elements=(Heading(title), Paragraph(text), Paragraph(t("results-talk-withheld"))),
        )
    answered = t("answered-of", respondents=result.respondents, size=result.channel_size or "?")
    rows = tuple(
        (
            t.pillar(key),
            sparkline(outcome.trend.series(key)),
            score_text(pillar),
        )
        for key, pillar in result.pillars.items()
    )
    elements: list[Element] = [
        Heading(title),
        Chart(rows),
        *((chart,) if chart is not None else ()),
        Note(f"{answered} · {t('summary-scale')}"),
        *_changes(result, t, team),
        Heading(t("results-talk-title")),
        Paragraph(t("results-talk")),
        *_hack_teaser(outcome, t),
    ]
    return Card(fallback=f"{title}: {answered}", elements=tuple(elements))


def score_text(pillar: PillarResult) -> str:
    """The score, with an arrow and the points when it changed notably, e.g. "54 ▼−12"."""
    change = pillar.change
    score = f"{pillar.score.score:.0f}"
    if change is None or not change.notable:
        return score
    return f"{score} {ARROWS[change.direction]}{signed(change.delta)}"


def signed(points: float) -> str:
    """Points with their sign, a real minus sign rather than a hyphen: "+12", "−12"."""
    rounded = round(points)
    return f"{'−' if rounded < 0 else '+'}{abs(rounded)}"


# What the summary says of a notable change, by its direction.
CHANGE_MESSAGES = {Direction.UP: "summary-rose", Direction.DOWN: "summary-dropped"}


def _changes(result: RoundSummary, t: Texts, team: Team) -> tuple[Element, ...]:
    """A line per notable change: a drop is a signal, not a verdict; a rise gets a warm word."""
    return tuple(
        Paragraph(
            t(
                CHANGE_MESSAGES[change.direction],
                pillar=t.pillar(key),
                date=t.short_date(change.since, team.settings.zone),
            )
        )
        for key, change in result.notable_changes.items()
    )


def _hack_teaser(outcome: RoundOutcome, t: Texts) -> tuple[Element, ...]:
    """Did the done hack help (a round shown only), then the team's current or new hack, or
    the follow-up of a done one, or that the team is repeating it."""
    elements: list[Element] = []
    zone = outcome.team.settings.zone
    if outcome.helped is not None:
        elements.append(helped_paragraph(outcome.helped, t))
    if outcome.follow_up is not None:
        hack = outcome.follow_up.hack
        date = t.short_date(outcome.follow_up.done_at, zone)
        elements += [
            Heading(t("hack-follow-up-title", hack=t.of(hack.title))),
            Paragraph(t("hack-follow-up", hack=t.of(hack.title), date=date)),
            Buttons((Button(t("hack-start"), Action.START_DISCUSSION, hack.id),)),
        ]
    elif outcome.repeating is not None:
        elements.append(Paragraph(t("hack-repeating", hack=t.of(outcome.repeating.title))))
    elif outcome.suggestion is not None:
        suggestion = outcome.suggestion
        hack = suggestion.hack
        kept = suggestion.reason is HackReason.KEEP
        title = "hack-of-the-week-title" if kept else "hack-new-title"
        text = _reason(suggestion, t) if kept else f"{_reason(suggestion, t)} {t.of(hack.purpose)}"
        elements += [
            Heading(t(title, hack=t.of(hack.title))),
            Paragraph(text),
            Buttons((Button(t("hack-start"), Action.START_DISCUSSION, hack.id, primary=True),)),
        ]
    return tuple(elements)


def _reason(suggestion: HackSuggestion, t: Texts) -> str:
    """Why this hack, in sentences that are each true of the round's shown scores."""
    return " ".join(reason_sentences(suggestion, t))


def trend_report(
    trend: Trend, team: Team, content: ContentPack, *, chart: ChartImage | None = None
) -> Card:
    """The private trend for leaders and facilitators: sparklines, the `chart` of the same
    trend, changes, hacks, hints."""
    t = Texts(content, team.settings.language)
    title = t("trend-title", rounds=len(trend.points), team=team.name or t("trend-this-team"))
    if not trend.points:
        return Card(fallback=title, elements=(Heading(title), Paragraph(t("trend-empty"))))
    latest = trend.latest
    rows: list[tuple[str, str, str]] = []
    for key in PillarKey:
        # The latest result and its change on the same statements: the line itself joins
        # different statements, so its first and last marks are not compared.
        shown = latest.pillars.get(key) if latest is not None else None
        rows.append(
            (
                t.pillar(key),
                sparkline(trend.series(key)),
                score_text(shown) if shown is not None else "–",
            )
        )
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
    if chart is not None:
        elements.append(chart)
    changes = trend.latest_changes
    if changes:
        elements.append(
            Facts(
                tuple(
                    (
                        t.pillar(key),
                        t(
                            f"trend-change-{change.direction}",
                            points=abs(change.delta),
                            date=t.short_date(change.since, team.settings.zone),
                        ),
                    )
                    for key, change in changes.items()
                )
            )
        )
    elements.extend(hack_history(trend, team, content))
    if trend.participation_falling:
        elements.append(Paragraph(t("hint-participation-falling")))
    elements.extend(leader_questions(trend, team, content))
    return Card(fallback=title, elements=tuple(elements))
