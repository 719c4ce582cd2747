"""Hack cards: the card a discussion starts with, its thread opener, the list of hacks, and
the hack parts of the summary and the trend."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.views.card import (
    Action,
    Button,
    Buttons,
    Card,
    Element,
    Facts,
    Heading,
    Items,
    Note,
    Paragraph,
)
from bot.views.texts import Texts
from content.schema import ContentPack, Hack, Language, PillarKey
from surveys.hack_choice import HackReason, HackSuggestion, shown_score
from surveys.hack_cycle import before_after
from surveys.hack_effect import HelpedResult
from surveys.team import Team
from surveys.trend import Trend


def hack_card(
    hack: Hack,
    content: ContentPack,
    language: Language,
    *,
    done_at: datetime | None = None,
    zone: ZoneInfo | None = None,
) -> Card:
    """Purpose, who and how long, the steps; a *We did it* button until it is done."""
    t = Texts(content, language)
    elements: list[Element] = [
        Heading(t.of(hack.title)),
        Paragraph(t.of(hack.purpose)),
        Facts(
            (
                (t("hack-for"), t(f"audience-{hack.audience}")),
                (t("hack-time"), t("hack-minutes", minutes=hack.minutes)),
                (t("hack-pillar"), ", ".join(t.pillar(p) for p in hack.pillars)),
            )
        ),
        Items(tuple(t.of(step) for step in hack.steps), numbered=True),
    ]
    if done_at is None:
        elements.append(Note(t("hack-thread-hint")))
        elements.append(Buttons((Button(t("hack-did-it"), Action.HACK_DONE, hack.id),)))
    else:
        elements.append(
            Note(t("hack-done-on", date=t.short_date(done_at, zone or ZoneInfo("UTC"))))
        )
    return Card(
        fallback=t("hack-of-the-week-title", hack=t.of(hack.title)), elements=tuple(elements)
    )


def reflection(hack: Hack, content: ContentPack, language: Language) -> Card:
    """The first message of the discussion thread: the questions for the talk at the meeting,
    and that the thread is for agreeing when (and what), not for answering them in writing."""
    t = Texts(content, language)
    questions = tuple(t.of(q) for q in hack.reflection)
    return Card(
        fallback=t("hack-reflection"),
        elements=(Paragraph(t("hack-reflection")), Items(questions), Note(t("hack-thread-hint"))),
    )


def reason_sentences(suggestion: HackSuggestion, t: Texts) -> list[str]:
    """Why a hack is shown, each sentence true of the round's shown scores: the lowest
    pillars are named only when they are lowest (all of them when they tie), a drop only
    when the change was notable, and nothing about a round the gate withheld."""
    sentences = _lowest(suggestion.lowest, t) if suggestion.reason is not HackReason.DROP else []
    pillar = t.pillar(suggestion.pillar)
    tied = "-tied" if len(suggestion.lowest) > 1 else ""
    match suggestion.reason:
        case HackReason.KEEP if suggestion.lowest and suggestion.pillar not in suggestion.lowest:
            # Another pillar lies lowest: say so, and that the team may change course.
            hack = t.of(suggestion.hack.title)
            sentences.append(t("hack-reason-keep-other", hack=hack, pillar=pillar))
        case HackReason.KEEP:
            sentences.append(
                t("hack-reason-keep", hack=t.of(suggestion.hack.title), done=t("hack-did-it"))
            )
        case HackReason.NEXT:
            sentences.append(t(f"hack-reason-next{tied}", pillar=pillar))
        case HackReason.LOWEST:
            pass  # the lowest pillar is the hack's own: naming it says it all
        case _:
            sentences.append(t(f"hack-reason-{suggestion.reason}", pillar=pillar))
    return sentences


def _lowest(lowest: tuple[PillarKey, ...], t: Texts) -> list[str]:
    if not lowest:
        return []
    names = [t.pillar(p) for p in lowest]
    if len(names) == 1:
        sentences = [t("hack-reason-lowest", pillar=names[0])]
    else:
        joined = t("hack-pillars-and", first=", ".join(names[:-1]), last=names[-1])
        sentences = [t("hack-reason-lowest-tied", pillars=joined)]
    if PillarKey.CHALLENGE in lowest:
        # Challenging is the hardest kind of safety: being lowest there is common.
        sentences.append(t("hack-reason-lowest-challenge", pillar=t.pillar(PillarKey.CHALLENGE)))
    return sentences


def helped_paragraph(helped: HelpedResult, t: Texts) -> Paragraph:
    """How many of those who answered agree the done hack made a difference."""
    title = t.of(t.content.hack(helped.hack_id).title)
    return Paragraph(
        t("hack-helped-result", agree=helped.agree, answers=helped.answers, hack=title)
    )


def hack_history(trend: Trend, team: Team, content: ContentPack) -> tuple[Element, ...]:
    """For the trend: when each hack was started and done, and for the latest one its pillar
    before and since, with the honest caveat."""
    t = Texts(content, team.settings.language)
    zone = team.settings.zone
    known = {h.id: h for h in content.hacks}
    periods = [p for p in trend.hacks if p.hack_id in known]  # earlier packs' hacks: no title
    if not periods:
        return ()
    lines = []
    for period in periods:
        title = t.of(known[period.hack_id].title)
        started = t.short_date(period.started_at, zone)
        if period.set_aside_at is not None:
            aside = t.short_date(period.set_aside_at, zone)
            lines.append(t("trend-hack-set-aside", hack=title, started=started, date=aside))
        elif period.done_at is None:
            lines.append(t("trend-hack-current", hack=title, started=started))
        else:
            done = t.short_date(period.done_at, zone)
            lines.append(t("trend-hack-done", hack=title, started=started, date=done))
    elements: list[Element] = [Paragraph(t("trend-hacks-title")), Items(tuple(lines))]
    latest = periods[-1]
    hack = known[latest.hack_id]
    rounds = [(point.opened_at, point.result) for point in trend.points]
    change = before_after(latest, hack.pillars[0], rounds)
    if change is not None:
        text = t(
            "trend-hack-before-after",
            pillar=t.pillar(change.pillar),
            hack=t.of(hack.title),
            before=shown_score(change.before),
            after=shown_score(change.after),
        )
        elements += [Paragraph(text), Note(t("trend-hack-caveat"))]
    return tuple(elements)


def hack_list(content: ContentPack, language: Language) -> Card:
    """Every hack by pillar, with the short name (in the team's language) to start it by."""
    t = Texts(content, language)
    elements: list[Element] = [Heading(t("hacks-title"))]
    for pillar in PillarKey:
        elements.append(Paragraph(t.pillar(pillar)))
        elements.append(
            Facts(
                tuple(
                    (t.of(h.title), f"{t(f'audience-{h.audience}')} · {h.alias.in_(language)}")
                    for h in content.hacks
                    if h.pillars[0] == pillar
                )
            )
        )
    elements.append(Note(t("hacks-how")))
    return Card(fallback=t("hacks-title"), elements=tuple(elements))
