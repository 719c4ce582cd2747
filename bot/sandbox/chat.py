"""The domain's ChatGateway in the sandbox: the channel's messages, kept in memory.

What the real service stores (teams, rounds, counts) is in the database as on any platform;
the messages themselves live here, as they would live in Slack or Teams, and are gone when
the process stops.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.chart.pictures import ChartCache
from bot.sandbox.people import channel, member_ids
from bot.views.card import Card
from bot.views.hacks import hack_card, reflection
from bot.views.notices import private_note
from bot.views.pulse import closed_pulse, pulse_message
from bot.views.results import summary
from content.schema import ContentPack, Hack
from surveys.announcements import PrivateNote, PulseStatus, RoundOutcome
from surveys.errors import NotInChannel
from surveys.ports import Clock
from surveys.team import Team

# The channel keeps this many messages; older ones scroll away for good.
KEPT = 400


class Kind(StrEnum):
    """How a message came about."""

    POST = "post"  # Tryghed in the channel, for everyone
    SAID = "said"  # a person's own words in the channel
    REPLY = "reply"  # Tryghed's private answer to what one person typed or pressed
    DIRECT = "direct"  # a private note Tryghed sends one person (a reminder, a leader's gap)


@dataclass
class Message:
    """One message: Tryghed's card or a person's words, for everyone or for one person."""

    id: str
    at: datetime
    kind: Kind
    card: Card | None = None
    author: str | None = None  # a person's id; None is Tryghed
    text: str = ""
    visible_to: str | None = None
    replies: list[Message] = field(default_factory=list)


class SandboxChat:
    """Renders nothing itself: it keeps the views the service posts, for the page to show."""

    def __init__(
        self, content: ContentPack, clock: Clock, *, charts: ChartCache | None = None
    ) -> None:
        self._content = content
        self._clock = clock
        self._charts = charts
        self._messages: list[Message] = []
        self._by_id: dict[str, Message] = {}
        self._ids = itertools.count(1)
        # Unique across restarts: a stored reference from before never names a new message.
        self._run = secrets.token_hex(4)
        self.version = 0

    # The ChatGateway

    async def channel_members(self, team: Team) -> Sequence[str]:
        """You and the six pretend colleagues."""
        _ours(team)
        return member_ids()

    async def post_pulse(self, status: PulseStatus) -> str:
        """The shared pulse message."""
        _ours(status.team)
        return self._add(Kind.POST, card=pulse_message(status, self._content)).id

    async def update_pulse(self, status: PulseStatus, message_ref: str) -> None:
        """The new count (when, and that a closed message stays closed, is the update
        policy's: bot/pulse_updates.py)."""
        _ours(status.team)
        self.replace(message_ref, pulse_message(status, self._content))

    async def post_outcome(self, outcome: RoundOutcome) -> None:
        """The summary, and the pulse message marked as closed."""
        _ours(outcome.team)
        chart = await self._charts.summary_chart(outcome) if self._charts else None
        self._add(Kind.POST, card=summary(outcome, self._content, chart=chart))
        ref = outcome.round.message_ref
        if ref is not None:
            self.replace(ref, closed_pulse(outcome, self._content))

    async def send_private(self, team: Team, user_id: str, notice: PrivateNote) -> None:
        """A note only `user_id` sees."""
        _ours(team)
        card = private_note(notice, team, self._content)
        self._add(Kind.DIRECT, card=card, visible_to=user_id)

    async def post_hack(self, team: Team, hack: Hack) -> str:
        """The hack card, with the reflection questions opening its thread."""
        _ours(team)
        language = team.settings.language
        message = self._add(Kind.POST, card=hack_card(hack, self._content, language))
        answer = Message(
            id=self._next_id(),
            at=self._clock.now(),
            kind=Kind.POST,
            card=reflection(hack, self._content, language),
        )
        message.replies.append(answer)
        self._by_id[answer.id] = answer
        self._changed()
        return message.id

    def restore_pulse(self, status: PulseStatus) -> None:
        """An open round's pulse message again, under its stored reference (after a restart:
        the messages lived in memory, the round in the database)."""
        ref = status.round.message_ref
        if ref is not None and ref not in self._by_id:
            message = self._add(Kind.POST, card=pulse_message(status, self._content))
            del self._by_id[message.id]
            message.id = ref
            self._by_id[ref] = message

    # What the page does

    def reply(self, user_id: str, card: Card) -> None:
        """Tryghed's private answer to `user_id` ("only you can see this")."""
        self._add(Kind.REPLY, card=card, visible_to=user_id)

    def say(self, user_id: str, text: str) -> None:
        """A person's own words in the channel."""
        self._add(Kind.SAID, author=user_id, text=text)

    def replace(self, message_id: str, card: Card) -> bool:
        """A new version of a message, for everyone who sees it; False if it is gone."""
        message = self._by_id.get(message_id)
        if message is None or message.card is None:
            return False
        message.card = card
        self._changed()
        return True

    def find(self, message_id: str) -> Message | None:
        """A message (or thread reply) by its id, while it is kept."""
        return self._by_id.get(message_id)

    def seen_by(self, user_id: str) -> list[Message]:
        """The channel as `user_id` sees it: everyone's messages and their own private ones."""
        return [m for m in self._messages if m.visible_to in (None, user_id)]

    def _add(
        self,
        kind: Kind,
        *,
        card: Card | None = None,
        author: str | None = None,
        text: str = "",
        visible_to: str | None = None,
    ) -> Message:
        message = Message(
            id=self._next_id(),
            at=self._clock.now(),
            kind=kind,
            card=card,
            author=author,
            text=text,
            visible_to=visible_to,
        )
        self._messages.append(message)
        self._by_id[message.id] = message
        for old in self._messages[:-KEPT]:
            self._forget(old)
        del self._messages[:-KEPT]
        self._changed()
        return message

    def _forget(self, message: Message) -> None:
        self._by_id.pop(message.id, None)
        for reply in message.replies:
            self._by_id.pop(reply.id, None)

    def _next_id(self) -> str:
        return f"m{self._run}-{next(self._ids)}"

    def _changed(self) -> None:
        self.version += 1


def _ours(team: Team) -> None:
    """The sandbox reaches its own channel only: any other team's is out of its reach."""
    if team.channel != channel():
        raise NotInChannel()
