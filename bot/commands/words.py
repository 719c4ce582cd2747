"""What people type after `/tryghed` or `@Tryghed`, in English or Danish, as an intent."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from content.schema import PillarKey


class Command(StrEnum):
    """The commands (their English words)."""

    HELP = "help"
    SETUP = "setup"
    PULSE = "pulse"
    CLOSE = "close"
    STATUS = "status"
    TREND = "trend"
    HACK = "hack"
    HACKS = "hacks"
    ABOUT = "about"
    PAUSE = "pause"
    RESUME = "resume"
    DELETE = "delete"


WORDS: dict[str, Command] = {
    **{c.value: c for c in Command},
    "?": Command.HELP,
    "hjælp": Command.HELP,
    "hjaelp": Command.HELP,
    "opsæt": Command.SETUP,
    "opsaet": Command.SETUP,
    "opsætning": Command.SETUP,
    "puls": Command.PULSE,
    "luk": Command.CLOSE,
    "udvikling": Command.TREND,
    "om": Command.ABOUT,
    "genoptag": Command.RESUME,
    "fortsæt": Command.RESUME,
    "slet": Command.DELETE,
}
PILLAR_WORDS: dict[str, PillarKey] = {
    **{p.value: p for p in PillarKey},
    "inkludere": PillarKey.INCLUDE,
    "lære": PillarKey.LEARN,
    "laere": PillarKey.LEARN,
    "bidrage": PillarKey.CONTRIBUTE,
    "udfordre": PillarKey.CHALLENGE,
}


@dataclass(frozen=True, slots=True)
class Intent:
    """A recognised command and the words after it."""

    command: Command
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UnknownWord:
    """A first word we do not know."""

    word: str


def parse(text: str) -> Intent | UnknownWord:
    """The intent in `text`; nothing at all means help."""
    words = text.split()
    if not words:
        return Intent(Command.HELP)
    command = WORDS.get(words[0].lower())
    if command is None:
        return UnknownWord(words[0][:40])
    return Intent(command, tuple(words[1:]))
