"""What only Teams has around switching teams off and deleting them: the bot removed from the
team, a deleted channel, the channel addresses a deletion forgets (on every platform:
tests/scenarios/chat/test_uninstall.py)."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from surveys.errors import NotInChannel
from surveys.team import ChannelRef, TeamSettings
from tests.bot.msteams.harness import BOT, CHANNEL, FACILITATOR, PEOPLE, TEAM, TENANT, Teams, until
from tests.bot.msteams.steps import SETUP
from tests.bot.msteams.test_installation import addresses, event


def rows(tmp_path: Path, query: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(tmp_path / "tryghed.db")) as db:
        db.execute("ATTACH DATABASE ? AS open_store", (str(tmp_path / "tryghed.db.open"),))
        return db.execute(query).fetchall()


def switched_off(tmp_path: Path) -> list[bool]:
    return [row[0] is not None for row in rows(tmp_path, "SELECT deactivated_at FROM teams")]


async def test_the_bot_removed_from_the_team_switches_it_off(teams: Teams, tmp_path: Path) -> None:
    await teams.say(SETUP, person=FACILITATOR)
    elsewhere = await teams.pulse.set_up_team(
        ChannelRef("teams", TENANT, "19:another-team-channel"), TeamSettings()
    )
    left = event(teams, "teamMemberRemoved", None)
    left["membersRemoved"] = [{"id": PEOPLE[4].teams_id}]
    await teams.post(left)
    assert switched_off(tmp_path) == [False, False]  # someone else left: nothing changes
    left["membersRemoved"] = [{"id": BOT}]
    assert (await teams.post(left)).status in (200, 201)
    await until(lambda: sorted(switched_off(tmp_path)) == [False, True])
    # A channel Tryghed never heard of in that team is not the team's: it stays on.
    assert (await teams.pulse.team(elsewhere.id)).active


async def test_a_deleted_channel_cannot_be_posted_in(teams: Teams, tmp_path: Path) -> None:
    await teams.say(SETUP, person=FACILITATOR)
    await teams.post(event(teams, "channelDeleted", {"id": CHANNEL, "name": "Pulse"}))
    assert CHANNEL not in addresses(tmp_path)
    (team,) = await teams.pulse.teams_with_role("teams", TENANT, FACILITATOR.aad)
    with pytest.raises(NotInChannel):
        await teams.pulse.open_round(team.id)
    assert teams.connector.threads(CHANNEL) == []


async def test_deleting_a_team_forgets_its_channel_but_not_general(
    teams: Teams, tmp_path: Path
) -> None:
    await teams.say(SETUP, person=FACILITATOR)
    team = await teams.pulse.team_in(ChannelRef("teams", TENANT, CHANNEL))
    leaders = frozenset({FACILITATOR.aad})
    await teams.pulse.set_up_team(team.channel, replace(team.settings, leaders=leaders))
    await teams.say("delete", person=FACILITATOR)
    code = re.search(r"@Tryghed delete ([0-9a-f]{6})", teams.last_private_text(FACILITATOR))
    assert code is not None
    assert CHANNEL in addresses(tmp_path)
    await teams.say(f"delete {code[1]}", person=FACILITATOR)
    assert CHANNEL not in addresses(tmp_path)
    assert TEAM in addresses(tmp_path)  # the General channel is no team's: still known
