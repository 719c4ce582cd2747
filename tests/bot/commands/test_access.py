"""Who may do what: every command for every kind of person, and a channel not set up."""

from __future__ import annotations

import pytest

from bot.commands.access import Actor, may
from bot.commands.words import Command
from surveys.team import Team
from tests.builders import a_team

LEADER, FACILITATOR, MEMBER, ADMIN = "UL", "UF", "UM", "UA"
FOR_EVERYONE = frozenset({Command.HELP, Command.STATUS, Command.HACKS, Command.ABOUT})
RUN_THE_TEAM = frozenset(
    {Command.SETUP, Command.PULSE, Command.CLOSE, Command.PAUSE, Command.RESUME, Command.HACK}
)
FOR_LEADERS = frozenset({Command.DELETE})


@pytest.fixture
def team() -> Team:
    return a_team(leaders=frozenset({LEADER}), facilitators=frozenset({FACILITATOR}))


def test_the_table_covers_every_command() -> None:
    assert FOR_EVERYONE | RUN_THE_TEAM | FOR_LEADERS | {Command.TREND} == set(Command)


@pytest.mark.parametrize("command", list(Command))
def test_leaders_may_do_everything(team: Team, command: Command) -> None:
    assert may(Actor(LEADER), command, team)


@pytest.mark.parametrize("command", list(Command))
def test_facilitators_may_do_everything_but_delete_the_team(team: Team, command: Command) -> None:
    assert may(Actor(FACILITATOR), command, team) is (command not in FOR_LEADERS)


@pytest.mark.parametrize("command", list(Command))
def test_a_plain_member_may_only_ask(team: Team, command: Command) -> None:
    assert may(Actor(MEMBER), command, team) is (command in FOR_EVERYONE)


@pytest.mark.parametrize("command", list(Command))
def test_an_admin_may_do_everything_even_without_a_role(team: Team, command: Command) -> None:
    assert may(Actor(ADMIN, is_admin=True), command, team)
    assert may(Actor(ADMIN, is_admin=True), command, None)


@pytest.mark.parametrize("command", list(Command))
def test_in_a_channel_not_set_up_only_setup_runs_the_team(command: Command) -> None:
    # Whoever sets the channel up becomes its facilitator; nothing else may run a team yet.
    expected = command in FOR_EVERYONE or command is Command.SETUP
    assert may(Actor(MEMBER), command, None) is expected


def test_a_role_in_another_team_does_not_count(team: Team) -> None:
    other = a_team(channel="C2", leaders=frozenset({"U-elsewhere"}))
    assert not may(Actor("U-elsewhere"), Command.PULSE, team)
    assert may(Actor("U-elsewhere"), Command.PULSE, other)


def test_the_actor_defaults() -> None:
    assert Actor("U1") == Actor(user_id="U1", is_admin=False, language="da")
