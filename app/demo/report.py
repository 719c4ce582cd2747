"""The demo's story as console text: a line per round, the trend table, the hack of the week."""

from __future__ import annotations

from pathlib import Path

from app.demo.story import DemoRun, Week
from bot.views.card import Element, Facts, Heading, Items, Note, Paragraph
from bot.views.hacks import helped_paragraph, reason_sentences
from bot.views.leader import perception_card
from bot.views.results import score_text, summary, withheld_text
from bot.views.sparkline import sparkline
from bot.views.texts import Texts
from content.schema import ContentPack, Hack, Language, PillarKey
from surveys.anonymity import RoundSummary
from surveys.hack_choice import HackReason, HackSuggestion
from surveys.team import Team


def render_demo(run: DemoRun, content: ContentPack, *, chart: Path | None) -> str:
    """The whole story, in the team's language."""
    language = run.team.settings.language
    t = Texts(content, language)
    settings = run.team.settings
    lines = [
        t("demo-title", size=run.team_size, weeks=len(run.weeks)),
        t(
            "demo-setup",
            weekday=t(f"weekday-{settings.weekday}"),
            time=settings.local_time.strftime("%H:%M"),
            zone=settings.timezone,
            hours=settings.round_hours,
            k=settings.min_respondents,
        ),
        "",
    ]
    for week in run.weeks:
        lines.extend(_week_lines(week, content, language))
    lines.extend(["", *_trend_lines(run, content, language), ""])
    lines.extend(_talk_lines(run, content))
    lines.extend(_leader_lines(run, content))
    shown = [w.outcome.suggestion for w in run.weeks if w.outcome.suggestion is not None]
    last = shown[-1] if shown else None
    if last is not None:
        lines.extend(_hack_lines(last, content, language))
        lines.append("")
    lines.append(t("demo-database", path=run.database))
    if chart is not None:
        lines.append(t("demo-chart", path=chart))
    return "\n".join(lines)


def _week_lines(week: Week, content: ContentPack, language: Language) -> list[str]:
    t = Texts(content, language)
    outcome = week.outcome
    result = outcome.result
    zone = outcome.team.settings.zone
    # A withheld round shows why, and no count (the same rule as the channel summary).
    answered = (
        t("answered-of", respondents=result.respondents, size=result.channel_size or "?")
        if isinstance(result, RoundSummary)
        else ""
    )
    head = (
        f"  {t('demo-week', week=week.number):<8} "
        f"{t.short_date(outcome.round.opened_at, zone):>8}  "
        f"{t(f'round-kind-{outcome.round.kind}'):<10} "
        f"{answered:<17}"
    )
    indent = " " * 13
    if not isinstance(result, RoundSummary):
        return [f"{head} {withheld_text(result, t)}"]
    scores = "  ".join(
        f"{content.pillar(key).name.in_(language)} {score_text(pillar):>3}"
        for key, pillar in result.pillars.items()
    )
    return [f"{head} {scores}", *(indent + line for line in _hack_story(week, t))]


def _hack_story(week: Week, t: Texts) -> list[str]:
    """The week's hack part as the summary says it, and what the team did about it."""
    outcome = week.outcome
    lines = []
    if outcome.helped is not None:
        lines.append("→ " + helped_paragraph(outcome.helped, t).text)
    if outcome.follow_up is not None:
        hack = t.of(outcome.follow_up.hack.title)
        date = t.short_date(outcome.follow_up.done_at, outcome.team.settings.zone)
        title = t("hack-follow-up-title", hack=hack)
        lines.append(
            t("demo-hack-line", title=title, reason=t("hack-follow-up", hack=hack, date=date))
        )
    elif outcome.repeating is not None:
        lines.append("→ " + t("hack-repeating", hack=t.of(outcome.repeating.title)))
    elif outcome.suggestion is not None:
        suggestion = outcome.suggestion
        kept = suggestion.reason is HackReason.KEEP
        title = t(
            "hack-of-the-week-title" if kept else "hack-new-title", hack=t.of(suggestion.hack.title)
        )
        reason = " ".join(reason_sentences(suggestion, t))
        lines.append(t("demo-hack-line", title=title, reason=reason))
    if week.hack_started is not None:
        lines.append(t("demo-hack-started", hack=t.of(t.content.hack(week.hack_started).title)))
    if week.hack_done is not None:
        lines.append(t("demo-hack-done", hack=t.of(t.content.hack(week.hack_done).title)))
    return lines


def _trend_lines(run: DemoRun, content: ContentPack, language: Language) -> list[str]:
    t = Texts(content, language)
    trend = run.trend
    width = max(len(content.pillar(k).name.in_(language)) for k in PillarKey)
    width = max(width, len(t("participation")))
    lines = [t("demo-trend-title", rounds=len(trend.points), k=run.team.settings.min_respondents)]
    latest = trend.latest
    for key in PillarKey:
        series = trend.series(key)
        # The latest result and its change on the same statements, as the trend card shows.
        shown = latest.pillars.get(key) if latest is not None else None
        span = score_text(shown) if shown is not None else ""
        lines.append(
            f"  {content.pillar(key).name.in_(language):<{width}}  {sparkline(series)}  {span}"
        )
    rates = [p.participation for p in trend.points]
    known_rates = [r for r in rates if r is not None]
    # A space before %, as the trend card writes it (and Danish typography wants).
    span = f"{known_rates[0]:3.0f} % → {known_rates[-1]:3.0f} %" if known_rates else ""
    lines.append(f"  {t('participation'):<{width}}  {sparkline(rates)}  {span}")
    weeks_by_round = {w.outcome.round.id: w.number for w in run.weeks}
    for done in trend.hacks_done:
        week = next(
            (
                weeks_by_round[p.result.round_id]
                for p in reversed(trend.points)
                if p.opened_at <= done.at
            ),
            None,
        )
        lines.append(
            "  "
            + t("demo-hack-run", week=week, hack=content.hack(done.hack_id).title.in_(language))
        )
    if trend.participation_falling:
        lines.append("  " + t("hint-participation-falling"))
    return lines


def _hack_lines(suggestion: HackSuggestion, content: ContentPack, language: Language) -> list[str]:
    t = Texts(content, language)
    hack: Hack = suggestion.hack
    lines = [
        t("hack-of-the-week-title", hack=hack.title.in_(language)),
        "  " + hack.purpose.in_(language),
        "  " + t("hack-meta", audience=t(f"audience-{hack.audience}"), minutes=hack.minutes),
    ]
    lines.extend(f"    {n}. {step.in_(language)}" for n, step in enumerate(hack.steps, start=1))
    lines.append("  " + t("hack-reflection"))
    lines.extend(f"    – {question.in_(language)}" for question in hack.reflection)
    lines.append("  " + t("hack-thread-hint"))
    return lines


def _talk_lines(run: DemoRun, content: ContentPack) -> list[str]:
    """The channel's summary of the first week with a notable drop: what it says about the
    change and the results talk it invites (the rest of the card is the week's line)."""
    for week in run.weeks:
        result = week.outcome.result
        if isinstance(result, RoundSummary) and any(
            c.delta < 0 for c in result.notable_changes.values()
        ):
            card = summary(week.outcome, content)
            heading = Heading(Texts(content, run.team.settings.language)("results-talk-title"))
            # The title, the lines on what changed and the talk; the hack part that follows
            # is in the week's line already.
            end = card.elements.index(heading) + 2
            shown = [card.elements[0]] + [
                e for e in card.elements[1:end] if isinstance(e, Heading | Paragraph)
            ]
            return _card_lines(shown, week.number, run.team, content)
    return []


def _leader_lines(run: DemoRun, content: ContentPack) -> list[str]:
    """The leader's private view: the dip week's prediction beside the team's answers."""
    if run.leader_view is None:
        return []
    card = perception_card(run.leader_view, run.team, content)
    week = next(w.number for w in run.weeks if w.outcome.round.id == run.leader_view.round_id)
    return _card_lines(list(card.elements), week, run.team, content)


def _card_lines(elements: list[Element], week: int, team: Team, content: ContentPack) -> list[str]:
    """A card's text as console lines, its first heading marked with the week."""
    t = Texts(content, team.settings.language)
    lines: list[str] = []
    for element in elements:
        match element:
            case Heading(text):
                lines.append(f"{text} ({t('demo-week', week=week)})" if not lines else text)
            case Paragraph(text) | Note(text):
                lines.append(f"  {text}")
            case Facts(rows):
                lines.extend(f"  {label}: {value}" for label, value in rows)
            case Items(items):
                lines.extend(f"    – {item}" for item in items)
    return [*lines, ""]
