"""Reading what people type: English and Danish words, any case, help when empty."""

from __future__ import annotations

import pytest

from bot.commands.words import PILLAR_WORDS, WORDS, Command, Intent, UnknownWord, parse
from content.schema import PillarKey


@pytest.mark.parametrize("command", list(Command))
def test_every_english_word(command: Command) -> None:
    assert parse(command.value) == Intent(command)


@pytest.mark.parametrize(
    ("word", "command"),
    [
        ("?", Command.HELP),
        ("hjælp", Command.HELP),
        ("hjaelp", Command.HELP),
        ("opsæt", Command.SETUP),
        ("opsaet", Command.SETUP),
        ("opsætning", Command.SETUP),
        ("puls", Command.PULSE),
        ("luk", Command.CLOSE),
        ("udvikling", Command.TREND),
        ("om", Command.ABOUT),
        ("genoptag", Command.RESUME),
        ("fortsæt", Command.RESUME),
        ("slet", Command.DELETE),
    ],
)
def test_danish_aliases(word: str, command: Command) -> None:
    assert parse(word) == Intent(command)


def test_every_alias_is_tested() -> None:
    assert len(WORDS) == len(Command) + 13


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_nothing_at_all_means_help(text: str) -> None:
    assert parse(text) == Intent(Command.HELP)


@pytest.mark.parametrize("text", ["TREND 8", "Trend 8", "tReNd 8"])
def test_the_command_word_is_case_insensitive(text: str) -> None:
    assert parse(text) == Intent(Command.TREND, ("8",))


def test_danish_capitals_and_the_arguments_keep_their_case() -> None:
    assert parse("OPSÆT weekly Mon 09:00 Europe/Copenhagen") == Intent(
        Command.SETUP, ("weekly", "Mon", "09:00", "Europe/Copenhagen")
    )


def test_extra_spaces_between_words_do_not_count() -> None:
    assert parse("  hack   pre-mortem  ") == Intent(Command.HACK, ("pre-mortem",))


def test_an_unknown_first_word_is_reported_as_typed() -> None:
    assert parse("Frobnicate now") == UnknownWord("Frobnicate")
    assert parse("trends") == UnknownWord("trends")


def test_a_long_unknown_word_is_cut_to_forty_characters() -> None:
    word = "x" * 100
    assert parse(f"{word} more") == UnknownWord("x" * 40)


def test_pillar_words_in_both_languages() -> None:
    assert {word: PILLAR_WORDS[word] for word in ("include", "lære", "laere", "udfordre")} == {
        "include": PillarKey.INCLUDE,
        "lære": PillarKey.LEARN,
        "laere": PillarKey.LEARN,
        "udfordre": PillarKey.CHALLENGE,
    }
    assert PILLAR_WORDS["inkludere"] is PillarKey.INCLUDE
    assert PILLAR_WORDS["bidrage"] is PillarKey.CONTRIBUTE
    assert set(PILLAR_WORDS.values()) == set(PillarKey)
