"""Who may do what: facilitators and leaders run the team, leaders may delete it, and admins
may do everything."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.words import Command
from content.schema import Language
from surveys.team import Role, Team

RUN_THE_TEAM = frozenset(
    {Command.SETUP, Command.PULSE, Command.CLOSE, Command.PAUSE, Command.RESUME, Command.HACK}
)
SEE_THE_TREND = frozenset({Command.TREND})
# Deleting a team destroys its history for good: the team's leaders decide, or an admin.
DELETE_THE_TEAM = frozenset({Command.DELETE})


@dataclass(frozen=True, slots=True)
class Actor:
    """The person asking: their platform id, whether they administer the workspace or tenant,
    and the language their client uses (for channels that are not set up yet)."""

    user_id: str
    is_admin: bool = False
    language: Language = "da"


def may(actor: Actor, command: Command, team: Team | None) -> bool:
    """Whether `actor` may run `command` in `team` (None: a channel not set up yet)."""
    if command not in RUN_THE_TEAM | SEE_THE_TREND | DELETE_THE_TEAM or actor.is_admin:
        return True
    if team is None:
        # Whoever sets a channel up first becomes its facilitator.
        return command is Command.SETUP
    role = team.settings.role_of(actor.user_id)
    if command in DELETE_THE_TEAM:
        return role is Role.LEADER
    return role in (Role.LEADER, Role.FACILITATOR)
