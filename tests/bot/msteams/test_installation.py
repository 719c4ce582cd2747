"""Installation and channels: where Tryghed may post, followed through renames, deletions and
uninstalls, kept in our own table without any person in it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from surveys.errors import TeamInactive
from surveys.team import ChannelRef
from tests.bot.msteams.harness import (
    BOT,
    CHANNEL,
    FACILITATOR,
    PEOPLE,
    TEAM,
    TENANT,
    Teams,
    card_text,
)
from tests.bot.msteams.steps import SETUP

OTHER = "19:planning-0002@thread.tacv2"


def addresses(tmp_path: Path) -> dict[str, dict[str, Any]]:
    """The stored channel addresses by channel id."""
    with sqlite3.connect(tmp_path / "tryghed.db") as db:
        rows = db.execute(
            "SELECT platform, workspace_id, channel_id, group_id, name, service_url, reference"
            " FROM channel_addresses"
        ).fetchall()
    return {
        row[2]: {
            "platform": row[0],
            "tenant": row[1],
            "team": row[3],
            "name": row[4],
            "service_url": row[5],
            "reference": json.loads(row[6]),
        }
        for row in rows
    }


def event(teams: Teams, kind: str, channel: dict[str, Any] | None) -> dict[str, Any]:
    """A conversationUpdate for a channel or team event, as Teams sends it."""
    activity = teams.activity(
        "conversationUpdate",
        person=FACILITATOR,
        conversation=teams.in_channel(TEAM),
        channel=None,
    )
    data: dict[str, Any] = {
        "tenant": {"id": TENANT},
        "team": {"id": TEAM, "name": "Product"},
        "eventType": kind,
    }
    if channel is not None:
        data["channel"] = channel
    activity["channelData"] = data
    return activity


async def test_installing_keeps_the_general_channel(teams: Teams, tmp_path: Path) -> None:
    stored = addresses(tmp_path)
    assert set(stored) == {TEAM}
    general = stored[TEAM]
    assert (general["platform"], general["tenant"], general["team"]) == ("teams", TENANT, TEAM)
    assert general["service_url"] == teams.connector.service_url
    reference = general["reference"]
    assert reference["conversation"]["id"] == TEAM
    assert reference["bot"]["id"] == BOT
    assert reference["channelId"] == "msteams"
    # No person: not the installer, not anyone.
    assert "user" not in reference
    for person in PEOPLE:
        assert person.aad not in json.dumps(reference)
        assert person.teams_id not in json.dumps(reference)


async def test_a_message_from_a_channel_keeps_it_too(teams: Teams, tmp_path: Path) -> None:
    await teams.say("help", person=PEOPLE[3], channel=OTHER)
    stored = addresses(tmp_path)
    assert set(stored) == {TEAM, OTHER}
    assert stored[OTHER]["reference"]["conversation"]["id"] == OTHER
    assert ";messageid=" not in json.dumps(stored[OTHER])


async def test_channels_are_followed(teams: Teams, tmp_path: Path) -> None:
    created = await teams.post(event(teams, "channelCreated", {"id": OTHER, "name": "Planning"}))
    assert created.status in (200, 201)
    assert addresses(tmp_path)[OTHER]["name"] == "Planning"
    await teams.post(event(teams, "channelRenamed", {"id": OTHER, "name": "Planlægning"}))
    assert addresses(tmp_path)[OTHER]["name"] == "Planlægning"
    await teams.post(event(teams, "channelDeleted", {"id": OTHER, "name": "Planlægning"}))
    assert set(addresses(tmp_path)) == {TEAM}
    await teams.post(event(teams, "channelRestored", {"id": OTHER, "name": "Planlægning"}))
    assert set(addresses(tmp_path)) == {TEAM, OTHER}


async def test_uninstalling_forgets_the_team(teams: Teams, tmp_path: Path) -> None:
    await teams.say(SETUP, person=FACILITATOR)
    assert set(addresses(tmp_path)) == {TEAM, CHANNEL}
    removed = teams.activity(
        "installationUpdate",
        person=FACILITATOR,
        conversation=teams.in_channel(TEAM),
        channel=None,
        action="remove",
    )
    removed["channelData"] = {"tenant": {"id": TENANT}, "team": {"id": TEAM, "name": "Product"}}
    assert (await teams.post(removed)).status in (200, 201)
    assert addresses(tmp_path) == {}
    # The team is switched off: a pulse is refused, and nothing is posted.
    team = await teams.pulse.team_in(ChannelRef("teams", TENANT, CHANNEL))
    assert not team.active
    assert await teams.pulse.teams_with_role("teams", TENANT, FACILITATOR.aad) == []
    with pytest.raises(TeamInactive):
        await teams.pulse.open_round(team.id)
    assert teams.connector.threads(CHANNEL) == []


async def test_removing_the_bot_or_deleting_the_team_forgets_it(
    teams: Teams, tmp_path: Path
) -> None:
    left = event(teams, "teamMemberRemoved", None)
    left["membersRemoved"] = [{"id": PEOPLE[4].teams_id}]
    await teams.post(left)
    assert set(addresses(tmp_path)) == {TEAM}  # someone else left: nothing changes
    left["membersRemoved"] = [{"id": BOT}]
    await teams.post(left)
    assert addresses(tmp_path) == {}
    await teams.install()
    assert set(addresses(tmp_path)) == {TEAM}
    await teams.post(event(teams, "teamDeleted", None))
    assert addresses(tmp_path) == {}


async def test_someone_joining_the_team_costs_no_roster_call(teams: Teams) -> None:
    joined = event(teams, "teamMemberAdded", None)
    joined["membersAdded"] = [{"id": PEOPLE[2].teams_id}]
    before = len(teams.connector.calls)
    assert (await teams.post(joined)).status in (200, 201)
    assert teams.connector.calls[before:] == []


async def test_the_pulse_of_a_channel_set_up_after_install(teams: Teams) -> None:
    await teams.say(SETUP, person=FACILITATOR, channel=OTHER)
    teams.connector.rosters[OTHER] = PEOPLE[:4]
    await teams.say("pulse", person=FACILITATOR, channel=OTHER)
    (thread,) = teams.connector.threads(OTHER)
    assert "0 of 4 have answered" in card_text(thread.cards[0])
