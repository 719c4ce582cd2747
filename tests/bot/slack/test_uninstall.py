"""What only Slack has around switching teams off and deleting them: a revoked bot token, and
a workspace admin who deletes a team (on every platform: tests/scenarios/chat/test_uninstall.py;
OAuth's tokens: test_oauth.py)."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

from surveys.team import ChannelRef, TeamSettings
from tests.bot.slack.harness import CHANNEL, WORKSPACE, Slack, until
from tests.bot.slack.steps import SETUP, reply_to


def switched_off(tmp_path: Path) -> list[bool]:
    with closing(sqlite3.connect(tmp_path / "tryghed.db")) as db:
        return [row[0] is not None for row in db.execute("SELECT deactivated_at FROM teams")]


async def test_revoking_the_bot_token_switches_the_teams_off(slack: Slack, tmp_path: Path) -> None:
    assert "The team is set up" in await reply_to(slack, SETUP)
    other = await slack.pulse.set_up_team(ChannelRef("slack", "T-other", "C9"), TeamSettings())

    # A user token revoked: the bot still works.
    user_only = {"type": "tokens_revoked", "tokens": {"oauth": ["UP01"], "bot": []}}
    assert (await slack.event(user_only, event_id="EvUser")).status == 200
    bot = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}}
    assert (await slack.event(bot, event_id="EvBot")).status == 200
    await until(lambda: sorted(switched_off(tmp_path)) == [False, True])
    team = await slack.pulse.team_in(ChannelRef("slack", WORKSPACE, CHANNEL))
    assert not team.active
    assert await slack.pulse.teams_with_role("slack", WORKSPACE, "UP01") == []
    assert (await slack.pulse.team(other.id)).active


async def test_a_workspace_admin_may_delete_the_team(slack: Slack, tmp_path: Path) -> None:
    await reply_to(slack, SETUP)
    slack.api.users["UADMIN"] = {"is_admin": True, "locale": "en-GB"}
    asked = await reply_to(slack, "delete", user="UADMIN")
    code = re.search(r"/tryghed delete ([0-9a-f]{6})", asked)
    assert code is not None
    assert "The team is deleted" in await reply_to(slack, f"delete {code[1]}", user="UADMIN")
    assert switched_off(tmp_path) == []
