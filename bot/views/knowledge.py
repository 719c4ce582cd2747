"""Shared knowledge: `help` (what the bot can do) and `about` (the model behind it)."""

from __future__ import annotations

from bot.views.card import Card, Element, Facts, Heading, Items, Note, Paragraph
from bot.views.texts import Texts
from content.schema import ContentPack, Language

COMMANDS = (
    "setup",
    "pulse",
    "close",
    "status",
    "trend",
    "hack",
    "hacks",
    "about",
    "pause",
    "resume",
    "delete",
)


def help_card(content: ContentPack, language: Language, *, prefix: str) -> Card:
    """Every command with one line on what it does; `prefix` is how the platform calls us."""
    t = Texts(content, language)
    rows = tuple((f"{prefix} {t(f'help-usage-{c}')}", t(f"help-{c}")) for c in COMMANDS)
    return Card(
        fallback=t("help-title"),
        elements=(
            Heading(t("help-title")),
            Paragraph(t("help-intro")),
            Facts(rows),
            Note(t("help-roles")),
        ),
    )


def about_card(content: ContentPack, language: Language) -> Card:
    """Psychological safety, the house and its pillars, the four steps, the traps and who
    carries what."""
    t = Texts(content, language)
    elements: list[Element] = [
        Heading(t("about-title")),
        Paragraph(t("about-intro")),
        Paragraph(t("about-emotions")),
        Paragraph(t("about-house")),
        Facts(
            tuple(
                (t.of(p.name), f"{t.of(p.description)} {t('about-need', need=t.of(p.need))}")
                for p in content.pillars
            )
        ),
        Heading(t("about-steps")),
        Items(tuple(f"{t.of(st.name)}: {t.of(st.description)}" for st in content.steps), True),
        Heading(t("about-traps")),
    ]
    for trap in content.traps:
        elements.append(Paragraph(f"{t.of(trap.name)}: {t.of(trap.description)}"))
        if trap.kinds:
            elements.append(
                Items(
                    tuple(
                        f"{t.of(kind.name)}: {t.of(kind.description)} {t.of(kind.advice)}"
                        for kind in trap.kinds
                    )
                )
            )
        elements.append(Paragraph(t("about-trap-advice", advice=t.of(trap.advice))))
    elements += [
        Heading(t("about-levels")),
        Items(tuple(f"{t.of(lv.name)}: {t.of(lv.responsibility)}" for lv in content.levels)),
        Note(t("about-method")),
    ]
    return Card(fallback=t("about-title"), elements=tuple(elements))
