"""Who is in the sandbox channel: you and six pretend colleagues, and where the channel lives."""

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
FIRST_FACILITATOR = YOU
FIRST_LEADER = "freja"


def member_ids() -> tuple[str, ...]:
    """Everyone in the channel, you first."""
    return (YOU, *(person.id for person in COLLEAGUES))


def is_member(user_id: str) -> bool:
    """Whether `user_id` is one of the channel's people (anything else is forged)."""
    return user_id in member_ids()


def channel() -> ChannelRef:
    """The sandbox team's channel."""
    return ChannelRef(PLATFORM, WORKSPACE, CHANNEL)


def origin() -> Origin:
    """Where every sandbox request comes from: its own channel, so no other team's round."""
    return Origin(PLATFORM, WORKSPACE, CHANNEL)
