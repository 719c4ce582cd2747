"""Danish output speaks Danish: the command words, hack names and terms a Dane types and reads."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from bot.commands.setup_values import CADENCES
from bot.commands.words import WORDS, Command, Intent, parse
from bot.views.knowledge import COMMANDS
from content.schema import ContentPack, Localized

# English command words that have a Danish word of their own (status, hack, hacks and pause
# are the same in both languages), the English cadence words, English terms the review
# found in Danish texts, and the toolkit's name for its own instrument (not ours).
ENGLISH_WORDS = frozenset(
    {
        "help",
        "setup",
        "pulse",
        "close",
        "trend",
        "about",
        "resume",
        "delete",
        "weekly",
        "biweekly",
        "fortnightly",
        "monthly",
        "workspace",
    }
)
OUR_OWN_INSTRUMENT = re.compile(r"barometer", re.IGNORECASE)
TOKEN = re.compile(r"[\w-]+")


def danish_texts(content: ContentPack) -> Iterator[tuple[str, str]]:
    """Every Danish text of the pack, with where it is."""

    def walk(where: str, value: object) -> Iterator[tuple[str, str]]:
        if isinstance(value, Localized):
            yield where, value.da
        elif isinstance(value, tuple | list):
            for index, item in enumerate(value):
                yield from walk(f"{where}[{index}]", item)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                yield from walk(f"{where}.{name}", getattr(value, name))

    for key, message in content.messages.items():
        yield f"messages.{key}", message.da
    for part in ("pillars", "statements", "scale", "hacks", "traps", "levels", "steps"):
        yield from walk(part, getattr(content, part))


def english_names_of_hacks(content: ContentPack) -> frozenset[str]:
    """The hack ids and English aliases a Danish text must not show."""
    names = {hack.id for hack in content.hacks} | {hack.alias.en for hack in content.hacks}
    return frozenset(names - {hack.alias.da for hack in content.hacks})


# The Danish word Danish output shows for each English command word.
DANISH_COMMANDS = {
    "help": "hjælp",
    "setup": "opsæt",
    "pulse": "puls",
    "close": "luk",
    "trend": "udvikling",
    "about": "om",
    "resume": "fortsæt",
    "delete": "slet",
}


def test_the_list_of_english_words_is_what_the_bot_accepts() -> None:
    # Each English command word the list forbids has a Danish twin the bot understands.
    assert ENGLISH_WORDS & {c.value for c in Command} == DANISH_COMMANDS.keys()
    for english, danish in DANISH_COMMANDS.items():
        assert WORDS[danish] is WORDS[english] is Command(english)
    # The English cadence words are the ones setup accepts besides the Danish ones.
    assert {w for w in ENGLISH_WORDS if w in CADENCES} == {
        "weekly",
        "biweekly",
        "fortnightly",
        "monthly",
    }


def test_no_danish_text_contains_an_english_command_word_or_hack_id(
    content: ContentPack,
) -> None:
    forbidden = ENGLISH_WORDS | english_names_of_hacks(content)
    assert {"working-manual", "check-in-round", "new-voices-first"} <= forbidden
    found = [
        (where, token)
        for where, text in danish_texts(content)
        for token in TOKEN.findall(text.lower())
        if token in forbidden
    ]
    assert found == []


def test_the_walk_reaches_every_part_of_the_pack(content: ContentPack) -> None:
    # Guards the walker itself: a text planted anywhere would be found.
    places = {where.split(".")[0].split("[")[0] for where, _ in danish_texts(content)}
    assert places == {
        "messages",
        "pillars",
        "statements",
        "scale",
        "hacks",
        "traps",
        "levels",
        "steps",
    }
    texts = dict(danish_texts(content))
    assert texts["traps[1].kinds[0].advice"].startswith("Forklar")
    assert texts["hacks[1].steps[0]"].startswith("Giv alle")
    planted = content.model_copy(
        update={"messages": {**content.messages, "x": Localized(da="Skriv setup", en="x")}}
    )
    assert any("setup" in TOKEN.findall(text.lower()) for _, text in danish_texts(planted))


def test_our_own_instrument_is_never_called_a_barometer_in_danish(content: ContentPack) -> None:
    named = [where for where, text in danish_texts(content) if OUR_OWN_INSTRUMENT.search(text)]
    assert named == []


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("language", ["da", "en"])
def test_every_usage_line_starts_with_a_word_the_bot_understands(
    content: ContentPack, command: str, language: str
) -> None:
    usage = content.text(f"help-usage-{command}", language)  # type: ignore[arg-type]
    assert parse(usage.split()[0]) == Intent(Command(command))
    if language == "da" and command in DANISH_COMMANDS:
        assert usage.split()[0] == DANISH_COMMANDS[command]
