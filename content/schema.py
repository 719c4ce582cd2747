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
# A hack's id also names its "did it help" item (surveys/hack_effect.py: "helped:" and the
# id), which is stored where statement ids are, in 40 characters.
HackIdentifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", min_length=2, max_length=33)
]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# What people type to name a hack: Danish letters allowed, as Danes write them.
AliasWord = Annotated[
    str, StringConstraints(pattern=r"^[a-zæøå][a-zæøå0-9-]*$", min_length=2, max_length=40)
]


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
    """One agree/disagree statement about the team; reverse-keyed ones score 6 - x.

    A retired statement is never asked again but still scores the rounds that asked it.
    """

    id: Identifier
    pillar: PillarKey
    text: Localized
    reverse: bool = False
    retired: bool = False


class Alias(_Strict):
    """The short name people type and see for a hack, in each language."""

    da: AliasWord
    en: AliasWord

    def in_(self, language: Language) -> str:
        """The name in `language`."""
        return self.da if language == "da" else self.en


class Hack(_Strict):
    """A small, concrete team exercise aimed at one or more pillars."""

    id: HackIdentifier
    alias: Alias
    pillars: Annotated[list[PillarKey], Field(min_length=1)]
    title: Localized
    audience: Audience
    levels: Annotated[list[LevelKey], Field(min_length=1)]
    minutes: Annotated[int, Field(ge=1, le=240)]
    purpose: Localized
    steps: Annotated[list[Localized], Field(min_length=3, max_length=6)]
    reflection: Annotated[list[Localized], Field(min_length=2, max_length=3)]


class TrapKind(_Strict):
    """One kind of a trap (e.g. rational resistance): what it is and what helps."""

    name: Localized
    description: Localized
    advice: Localized


class Trap(_Strict):
    """A known trap on the way to more safety: its warning signs, its kinds, what helps."""

    key: Identifier
    name: Localized
    description: Localized
    kinds: tuple[TrapKind, ...] = ()
    advice: Localized


class Step(_Strict):
    """One of the four steps a team walks, and what the team does in it."""

    key: StepKey
    name: Localized
    description: Localized


class StepKey(StrEnum):
    """The toolkit's four steps, in the order a team walks them."""

    SHARED_KNOWLEDGE = "shared-knowledge"
    WHERE_WE_ARE = "where-we-are"
    WHAT_WE_DO = "what-we-do"
    KEEP_IT_UP = "keep-it-up"


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
    steps: tuple[Step, ...]
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

    def hack_named(self, word: str) -> Hack | None:
        """The hack whose id or alias (in any language) is `word`, if any."""
        index = self.__dict__.get("_hack_names")
        if index is None or index[0] is not self.hacks:
            names = {fold(name): hack for hack in self.hacks for name in hack_names(hack)}
            index = (self.hacks, names)
            self.__dict__["_hack_names"] = index
        hack: Hack | None = index[1].get(fold(word))
        return hack

    def statements_for(self, pillar: PillarKey) -> tuple[Statement, ...]:
        """The statements on `pillar`, in bank order, retired ones included."""
        return tuple(s for s in self.statements if s.pillar == pillar)

    def active_statements_for(self, pillar: PillarKey) -> tuple[Statement, ...]:
        """The statements on `pillar` that rounds still ask, in bank order."""
        return tuple(s for s in self.statements_for(pillar) if not s.retired)

    def text(self, key: str, language: Language, /, **values: object) -> str:
        """The message `key` in `language`, with its placeholders filled in."""
        return self.messages[key].in_(language).format(**values)


def hack_names(hack: Hack) -> frozenset[str]:
    """Every name a hack is known by: its id and its aliases."""
    return frozenset({hack.id, hack.alias.da, hack.alias.en})


def fold(word: str) -> str:
    """`word` as it is compared: lower case, æ ø å as ae oe aa (keyboards without them)."""
    return word.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


def placeholders(template: str) -> frozenset[str]:
    """The `{name}` placeholders a message template uses."""
    return frozenset(
        field.split(".")[0].split("[")[0]
        for _, field, _, _ in string.Formatter().parse(template)
        if field
    )
