"""Teams over HTTP: removing the app from a team switches its channels' teams off and forgets
where to post; `@Tryghed delete` deletes a team for good."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from surveys.errors import NotInChannel
from surveys.team import ChannelRef, TeamSettings
from tests.bot.msteams.harness import BOT, CHANNEL, FACILITATOR, PEOPLE, TEAM, TENANT, Teams, until
from tests.bot.msteams.test_installation import addresses, event
from tests.bot.msteams.test_loop import SETUP


def rows(tmp_path: Path, query: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(tmp_path / "tryghed.db")) as db:
        db.execute("ATTACH DATABASE ? AS open_store", (str(tmp_path / "tryghed.db.open"),))
        return db.execute(query).fetchall()


def switched_off(tmp_path: Path) -> list[bool]:
    return [row[0] is not None for row in rows(tmp_path, "SELECT deactivated_at FROM teams")]


def removal(teams: Teams) -> dict[str, Any]:
    """The installationUpdate Teams sends when the app is removed from the team."""
    removed = teams.activity(
        "installationUpdate",
        person=FACILITATOR,
        conversation=teams.in_channel(TEAM),
        channel=None,
        action="remove",
    )
    removed["channelData"] = {"tenant": {"id": TENANT}, "team": {"id": TEAM, "name": "Product"}}
    return removed


async def test_removing_the_app_switches_the_team_off_until_set_up_again(
    teams: Teams, tmp_path: Path
) -> None:
    await teams.say(SETUP, person=FACILITATOR)
    await teams.say("pulse", person=FACILITATOR)
    assert len(teams.connector.threads(CHANNEL)) == 1
    assert rows(tmp_path, "SELECT count(*) FROM open_store.salts") == [(1,)]

    assert (await teams.post(removal(teams))).status in (200, 201)

    assert switched_off(tmp_path) == [True]
    assert addresses(tmp_path) == {}
    ((closed_at,),) = rows(tmp_path, "SELECT closed_at FROM rounds")
    assert closed_at is not None
    assert rows(tmp_path, "SELECT count(*) FROM open_store.salts") == [(0,)]
    assert rows(tmp_path, "SELECT count(*) FROM open_store.participation") == [(0,)]
    assert len(teams.connector.threads(CHANNEL)) == 1  # no summary was posted

    await teams.install()
    await teams.say("status", person=PEOPLE[3])
    assert "Tryghed was removed from this workspace or team" in teams.last_private_text(PEOPLE[3])
    await teams.say(SETUP, person=FACILITATOR)
    assert "The team is set up" in teams.last_private_text(FACILITATOR)
    assert switched_off(tmp_path) == [False]
    await teams.say("pulse", person=FACILITATOR)
    assert len(teams.connector.threads(CHANNEL)) == 2


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


async def test_a_leader_deletes_the_team(teams: Teams, tmp_path: Path) -> None:
    leader = PEOPLE[1]
    await teams.say(SETUP, person=FACILITATOR)
    await teams.say("pulse", person=FACILITATOR)
    team = await teams.pulse.team_in(ChannelRef("teams", TENANT, CHANNEL))
    await teams.pulse.set_up_team(
        team.channel,
        TeamSettings(
            language="da",
            facilitators=frozenset({FACILITATOR.aad}),
            leaders=frozenset({leader.aad}),
        ),
    )
    await teams.say("delete", person=FACILITATOR)
    assert "Kun teamets ledere eller en administrator" in teams.last_private_text(FACILITATOR)

    await teams.say("delete", person=leader)
    asked = teams.last_private_text(leader)
    assert "Vil I slette teamet for altid?" in asked
    code = re.search(r"@Tryghed slet ([0-9a-f]{6})", asked)
    assert code is not None
    await teams.say(f"slet {code.group(1)}", person=leader)
    assert "Teamet er slettet" in teams.last_private_text(leader)
    for table in ("teams", "rounds", "answer_counts", "hack_log", "claims"):
        assert rows(tmp_path, f"SELECT count(*) FROM {table}") == [(0,)], table
    assert CHANNEL not in addresses(tmp_path)
    assert TEAM in addresses(tmp_path)  # the General channel is no team's: still known
