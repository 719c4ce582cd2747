"""On every platform: removing Tryghed switches the team off until it is set up again, and a
leader deletes a team for good."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import replace
from typing import Any

import pytest

from tests.scenarios.chat.platform import FACILITATOR, PEOPLE, Platform
from tests.scenarios.chat.steps import set_up, start_pulse, until

REMOVED = "Tryghed was removed from this workspace"


def rows(platform: Platform, query: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(platform.database)) as db:
        db.execute("ATTACH DATABASE ? AS open_store", (f"{platform.database}.open",))
        return db.execute(query).fetchall()


def switched_off(platform: Platform) -> list[bool]:
    return [row[0] is not None for row in rows(platform, "SELECT deactivated_at FROM teams")]


async def test_removing_tryghed_switches_the_team_off_until_set_up_again(
    platform: Platform,
) -> None:
    if not platform.can_uninstall:
        pytest.skip(f"Tryghed cannot be removed from {platform.name}: it is the page itself")
    await set_up(platform)
    await start_pulse(platform)
    assert rows(platform, "SELECT count(*) FROM open_store.salts") == [(1,)]

    await platform.uninstall()
    await until(lambda: switched_off(platform) == [True])
    # The open round ended quietly: nothing posted, nothing left of who answered.
    ((closed_at,),) = rows(platform, "SELECT closed_at FROM rounds")
    assert closed_at is not None
    assert rows(platform, "SELECT count(*) FROM open_store.salts") == [(0,)]
    assert rows(platform, "SELECT count(*) FROM open_store.participation") == [(0,)]
    assert len(platform.channel_posts()) == 1
    # The aggregates stay (until the retention purge).
    assert rows(platform, "SELECT count(*) FROM rounds") == [(1,)]

    await platform.reinstall()
    assert REMOVED in (await platform.say(PEOPLE[3], "status")).text
    assert REMOVED in (await platform.say(FACILITATOR, "pulse")).text
    assert len(platform.channel_posts()) == 1
    assert "The team is set up" in (await set_up(platform)).text
    assert switched_off(platform) == [False]
    assert "The pulse is posted" in (await platform.say(FACILITATOR, "pulse")).text
    assert len(platform.channel_posts()) == 2


async def test_a_leader_deletes_the_team(platform: Platform) -> None:
    leader = PEOPLE[1]
    await set_up(platform)
    await platform.say(FACILITATOR, "hack learn")
    await start_pulse(platform)
    team = await platform.pulse.team_in(platform.channel)
    leaders = frozenset({platform.user_id(leader)})
    await platform.pulse.set_up_team(platform.channel, replace(team.settings, leaders=leaders))
    assert "Only the team's leaders or an admin" in (await platform.say(FACILITATOR, "delete")).text

    asked = (await platform.say(leader, "delete")).text
    assert "Delete the team for good?" in asked
    code = re.search(rf"{re.escape(platform.prefix)} delete ([0-9a-f]{{6}})", asked)
    assert code is not None
    assert rows(platform, "SELECT count(*) FROM teams") == [(1,)]
    assert "doesn't match" in (await platform.say(leader, "delete abcdeX")).text

    done = await platform.say(leader, f"slet {code.group(1)}")
    assert "The team is deleted" in done.text
    for table in ("teams", "rounds", "answer_counts", "hack_log", "claims"):
        assert rows(platform, f"SELECT count(*) FROM {table}") == [(0,)], table
    assert "isn't set up yet" in (await platform.say(leader, "status")).text
