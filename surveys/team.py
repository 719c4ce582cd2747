"""A team: one chat channel with its schedule, language, roles and anonymity threshold."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from content.schema import LANGUAGES, Language
from surveys.errors import InvalidSettings, RoundOfAnotherTeam

MIN_RESPONDENTS_FLOOR = 3
DEFAULT_MIN_RESPONDENTS = 5
MAX_ROUND_HOURS = 14 * 24


class Cadence(StrEnum):
    """How often a team gets a pulse."""

    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


class Role(StrEnum):
    """What a person may do for a team beyond answering."""

    LEADER = "leader"
    FACILITATOR = "facilitator"


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """Where a team lives: platform, workspace (or tenant) and channel."""

    platform: str
    workspace_id: str
    channel_id: str


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request came from: platform and workspace always, the channel when the platform
    names it (a Slack modal's submission, for one, does not)."""

    platform: str
    workspace_id: str
    channel_id: str | None = None

    def reaches(self, channel: ChannelRef) -> bool:
        """Whether a request from here may act on the team living in `channel`: the same
        workspace, and the same channel whenever the request names one."""
        return (
            self.platform == channel.platform
            and self.workspace_id == channel.workspace_id
            and self.channel_id in (None, channel.channel_id)
        )


@dataclass(frozen=True, slots=True)
class TeamSettings:
    """Everything a facilitator configures; validated on construction."""

    cadence: Cadence = Cadence.WEEKLY
    weekday: int = 0
    local_time: time = time(9, 0)
    timezone: str = "Europe/Copenhagen"
    language: Language = "da"
    round_hours: int = 72
    min_respondents: int = DEFAULT_MIN_RESPONDENTS
    reminders: bool = True
    leaders: frozenset[str] = field(default_factory=frozenset)
    facilitators: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise InvalidSettings(field="weekday")
        if self.local_time.tzinfo is not None:
            raise InvalidSettings(field="local_time")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidSettings(field="timezone") from None
        if self.language not in LANGUAGES:
            raise InvalidSettings(field="language")
        if not 1 <= self.round_hours <= MAX_ROUND_HOURS:
            raise InvalidSettings(field="round_hours")
        # The floor protects anonymity; no configuration may go below it.
        if self.min_respondents < MIN_RESPONDENTS_FLOOR:
            raise InvalidSettings(field="min_respondents", floor=MIN_RESPONDENTS_FLOOR)

    @property
    def zone(self) -> ZoneInfo:
        """The team's time zone."""
        return ZoneInfo(self.timezone)

    def role_of(self, user_id: str) -> Role | None:
        """The strongest role `user_id` holds in this team, if any."""
        if user_id in self.leaders:
            return Role.LEADER
        if user_id in self.facilitators:
            return Role.FACILITATOR
        return None


@dataclass(frozen=True, slots=True)
class Team:
    """A set-up channel."""

    id: str
    channel: ChannelRef
    name: str
    settings: TeamSettings
    created_at: datetime
    paused: bool = False
    # Set when the app was removed from the team's workspace; a new setup switches it on again.
    deactivated_at: datetime | None = None

    @property
    def active(self) -> bool:
        """Whether the team is switched on (its app was not removed since it was set up)."""
        return self.deactivated_at is None


def check_origin(origin: Origin | None, team: Team) -> None:
    """A request names a round; it may only reach a round of the team living where it came
    from. No origin: a caller inside the system (scheduler, demo), which knows its rounds."""
    if origin is not None and not origin.reaches(team.channel):
        raise RoundOfAnotherTeam()
