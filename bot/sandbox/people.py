"""Who is in the sandbox channel (by default you and six pretend colleagues), and where the
channel lives."""

from __future__ import annotations

from dataclasses import dataclass

from surveys.team import ChannelRef, Origin

PLATFORM = "sandbox"
WORKSPACE = "sandbox"
CHANNEL = "sandbox-channel"
PREFIX = "/tryghed"
YOU = "you"


@dataclass(frozen=True, slots=True)
class Person:
    """A member of the sandbox channel: an id (what the service stores) and a name."""

    id: str
    name: str


# Names are names: the same in Danish and English. "You" is the one that is translated.
COLLEAGUES = tuple(
    Person(name.lower(), name) for name in ("Ane", "Bo", "Cecilie", "Dan", "Emil", "Freja")
)
# The team the sandbox sets up first: you run it, Freja leads it.
FIRST_LEADER = "freja"


@dataclass(frozen=True, slots=True)
class Roster:
    """The channel's people: `you` (whom a new page plays first, and who runs the team the
    first visit sets up, led by `first_leader`; None: the channel waits to be set up)."""

    you: str = YOU
    colleagues: tuple[Person, ...] = COLLEAGUES
    first_leader: str | None = FIRST_LEADER

    def member_ids(self) -> tuple[str, ...]:
        """Everyone in the channel, you first."""
        return (self.you, *(person.id for person in self.colleagues))

    def is_member(self, user_id: str) -> bool:
        """Whether `user_id` is one of the channel's people (anything else is forged)."""
        return user_id in self.member_ids()


def channel() -> ChannelRef:
    """The sandbox team's channel."""
    return ChannelRef(PLATFORM, WORKSPACE, CHANNEL)


def origin() -> Origin:
    """Where every sandbox request comes from: its own channel, so no other team's round."""
    return Origin(PLATFORM, WORKSPACE, CHANNEL)
