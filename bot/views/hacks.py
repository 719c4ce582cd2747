"""Hack cards: the card a discussion starts with, its thread opener, and the list of hacks."""

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
    """The first message of the discussion thread: the questions to talk about."""
    t = Texts(content, language)
    questions = tuple(t.of(q) for q in hack.reflection)
    return Card(
        fallback=t("hack-reflection"),
        elements=(Paragraph(t("hack-reflection")), Items(questions)),
    )


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
