"""The shape of a content pack: pillars, statements, scale, hacks, knowledge, messages."""

from __future__ import annotations

import string
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Language = Literal["da", "en"]
LANGUAGES: tuple[Language, ...] = ("da", "en")

Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", min_length=2, max_length=40)
]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class PillarKey(StrEnum):
    """The four pillars of the house, in the order the method builds them."""

    INCLUDE = "include"
    LEARN = "learn"
    CONTRIBUTE = "contribute"
    CHALLENGE = "challenge"


class TrapKey(StrEnum):
    """The traps every pack describes: the bot's private signals name them (surveys/traps.py)."""

    AVOIDANCE = "avoidance"
    RESISTANCE = "resistance"
    STRESS = "stress"


class Audience(StrEnum):
    """Who a hack is written for."""

    LEADER = "leader"
    TEAM = "team"
    BOTH = "both"


class LevelKey(StrEnum):
    """The four levels of responsibility in an organisation."""

    ORGANISATION = "organisation"
    LEADERSHIP = "leadership"
    GROUP = "group"
    INDIVIDUAL = "individual"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Strict):
    """One text in every language the product speaks."""

    da: NonEmpty
    en: NonEmpty

    def in_(self, language: Language) -> str:
        """The text in `language`."""
        return self.da if language == "da" else self.en


class Pillar(_Strict):
    """One pillar of psychological safety and the need behind it."""

    key: PillarKey
    name: Localized
    need: Localized
    description: Localized
    # The leader's own question when this pillar drops or was misjudged (private, never shared).
    leader_question: Localized


class Statement(_Strict):
    """One agree/disagree statement about the team; reverse-keyed ones score 6 - x."""

    id: Identifier
    pillar: PillarKey
    text: Localized
    reverse: bool = False


class Hack(_Strict):
    """A small, concrete team exercise aimed at one or more pillars."""

    id: Identifier
    pillars: Annotated[list[PillarKey], Field(min_length=1)]
    title: Localized
    audience: Audience
    levels: Annotated[list[LevelKey], Field(min_length=1)]
    minutes: Annotated[int, Field(ge=1, le=240)]
    purpose: Localized
    steps: Annotated[list[Localized], Field(min_length=3, max_length=6)]
    reflection: Annotated[list[Localized], Field(min_length=2, max_length=3)]


class Trap(_Strict):
    """A known trap on the way to more safety, and what helps."""

    key: Identifier
    name: Localized
    description: Localized
    advice: Localized


class Level(_Strict):
    """A level of the organisation and its part of the responsibility."""

    key: LevelKey
    name: Localized
    responsibility: Localized


_Identified = Statement | Hack


class ContentPack(_Strict):
    """A whole, validated content pack."""

    pillars: tuple[Pillar, ...]
    statements: tuple[Statement, ...]
    scale: tuple[Localized, ...]
    hacks: tuple[Hack, ...]
    traps: tuple[Trap, ...]
    levels: tuple[Level, ...]
    messages: dict[str, Localized]

    # Lookups by id happen for every answer count of every round in a trend, so they are
    # indexed. The index remembers which tuple it was built from: `model_copy(update=…)`
    # copies the instance dictionary, index included, and must not see a stale one.
    def _index(self, name: str, items: tuple[_Identified, ...]) -> dict[str, _Identified]:
        cached = self.__dict__.get(name)
        if cached is None or cached[0] is not items:
            cached = (items, {item.id: item for item in items})
            self.__dict__[name] = cached
        index: dict[str, _Identified] = cached[1]
        return index

    def pillar(self, key: PillarKey) -> Pillar:
        """The pillar with `key`."""
        return next(p for p in self.pillars if p.key == key)

    def statement(self, statement_id: str) -> Statement:
        """The statement with `statement_id` (KeyError when unknown)."""
        statement = self._index("_statement_index", self.statements)[statement_id]
        assert isinstance(statement, Statement)
        return statement

    def hack(self, hack_id: str) -> Hack:
        """The hack with `hack_id` (KeyError when unknown)."""
        hack = self._index("_hack_index", self.hacks)[hack_id]
        assert isinstance(hack, Hack)
        return hack

    def statements_for(self, pillar: PillarKey) -> tuple[Statement, ...]:
        """The statements on `pillar`, in bank order."""
        return tuple(s for s in self.statements if s.pillar == pillar)

    def text(self, key: str, language: Language, /, **values: object) -> str:
        """The message `key` in `language`, with its placeholders filled in."""
        return self.messages[key].in_(language).format(**values)


def placeholders(template: str) -> frozenset[str]:
    """The `{name}` placeholders a message template uses."""
    return frozenset(
        field.split(".")[0].split("[")[0]
        for _, field, _, _ in string.Formatter().parse(template)
        if field
    )
