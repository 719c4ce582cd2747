"""What a scenario may do in a chat platform, as the people in a team would: the `Platform`
protocol every platform's adapter implements, and the neutral views of what the bot showed.

A person is a handle (`PEOPLE`); each adapter maps it to the platform's own identity. The
team channel has the nine of them (and, where the platform lists it, the bot).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from surveys.service import PulseService
from surveys.team import ChannelRef

PEOPLE = [f"p{n}" for n in range(1, 10)]
FACILITATOR = PEOPLE[0]
SETUP = "setup weekly mon 09:00 Europe/Copenhagen en"

Language = Literal["da", "en"]


@dataclass(frozen=True)
class Card:
    """Something the bot showed: the words a person reads and its buttons (action → value)."""

    text: str
    actions: Mapping[str, str] = field(default_factory=dict)
    source: Any = field(default=None, repr=False, compare=False)  # the platform's own payload


@dataclass(frozen=True)
class Form(Card):
    """A form the bot opened for one person: its fields in order, each field's choices, and
    what is filled in already."""

    fields: Sequence[str] = ()
    options: Mapping[str, Sequence[str]] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Post(Card):
    """A message in the team channel as everyone sees it now, with its thread's replies and
    how often it was changed."""

    thread: Sequence[str] = ()
    updates: int = 0


class Platform(Protocol):
    """A running Tryghed with one chat platform (faked over real HTTP) around it."""

    name: str  # the platform's name in a `ChannelRef`
    prefix: str  # how a person starts a command ("/tryghed", "@Tryghed")
    cannot_post: str  # what the bot says when the platform won't let it post in the channel
    can_keep_bot_out: bool  # the platform can refuse the bot a post (`refuse_next_post`)
    can_uninstall: bool  # Tryghed can be removed and added back (`uninstall`, `reinstall`)
    pulse: PulseService
    database: Path

    @property
    def channel(self) -> ChannelRef:
        """The team channel."""

    def user_id(self, person: str) -> str:
        """The id the platform gives `person` (what team settings keep for leaders)."""

    def identities(self, person: str) -> list[str]:
        """Everything that names `person`: ids, name, their private conversation."""

    def secrets(self) -> list[str]:
        """Credentials the service holds for the platform."""

    def speaks(self, person: str, language: Language) -> None:
        """`person`'s chat client is set to `language`."""

    def advance(self, *, hours: float) -> None:
        """Move the service's clock forward."""

    async def say(self, person: str, text: str) -> Card:
        """`person` types the command `text` in the team channel; what they alone see back."""

    async def press(self, person: str, action: str, on: Card, *, value: str | None = None) -> Card:
        """`person` presses `action` on a post or on something shown to them (with `value`
        instead of the button's own: what a stale or hostile client could send)."""

    async def submit(self, person: str, form: Form, values: Mapping[str, str]) -> Card:
        """`person` sends `form` with `values` by field (several people: comma-separated)."""

    def aimed(self, form: Form, round_id: str) -> Form:
        """`form` as a hostile client could send it back: aimed at `round_id`."""

    def replies(self, person: str) -> list[str]:
        """Everything `person` saw privately, oldest first."""

    def channel_posts(self) -> list[Post]:
        """The bot's posts in the team channel, oldest first, as they stand now."""

    async def another_team(self) -> str:
        """A round open in another team's channel of the same workspace; its id."""

    def refuse_next_post(self) -> None:
        """The platform refuses the bot's next post in the channel: it is not let in."""

    async def uninstall(self) -> None:
        """The workspace or team removes Tryghed."""

    async def reinstall(self) -> None:
        """Tryghed is added back."""

    async def settle(self) -> None:
        """Let the work the bot does after answering finish."""


def form(card: Card) -> Form:
    """`card`, which must be a form."""
    assert isinstance(card, Form), f"not a form: {card.text!r}"
    return card
