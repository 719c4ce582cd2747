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
    """Psychological safety, the four pillars, the traps and who carries what."""
    t = Texts(content, language)
    elements: list[Element] = [
        Heading(t("about-title")),
        Paragraph(t("about-intro")),
        Facts(tuple((t.of(p.name), t.of(p.description)) for p in content.pillars)),
        Heading(t("about-traps")),
        Items(tuple(f"{t.of(trap.name)}: {t.of(trap.advice)}" for trap in content.traps)),
        Heading(t("about-levels")),
        Items(tuple(f"{t.of(lv.name)}: {t.of(lv.responsibility)}" for lv in content.levels)),
        Note(t("about-method")),
    ]
    return Card(fallback=t("about-title"), elements=tuple(elements))
