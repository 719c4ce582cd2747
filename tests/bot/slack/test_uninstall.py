"""Slack over HTTP: uninstalling switches the workspace's teams off and forgets the tokens;
`/tryghed delete` deletes a team for good."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from surveys.team import ChannelRef, TeamSettings
from tests.bot.slack.harness import CHANNEL, WORKSPACE, Slack, block_text, running_slack, until

PEOPLE = ["UP01", "UP02", "UP03", "UBOT"]
SETUP = "setup weekly mon 09:00 Europe/Copenhagen en"


@pytest.fixture
async def slack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Slack]:
    async with running_slack(tmp_path, monkeypatch) as running:
        running.api.channel_members[CHANNEL] = list(PEOPLE)
        yield running
        running.api.assert_clean()


async def reply_to(slack: Slack, text: str, *, user: str = "UP01") -> str:
    """Run a command and return the private reply's text."""
    before = len(slack.replies())
    response = await slack.command(text, user=user)
    assert response.status == 200
    await until(lambda: len(slack.replies()) > before)
    return block_text(slack.replies()[-1].get("blocks", []))


async def install(slack: Slack) -> None:
    """Install (again) through OAuth, as an admin clicking through Slack's pages would."""
    page = await slack.http.get("/slack/install")
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', await page.text())
    assert link is not None
    state = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)["state"][0]
    cookie = page.cookies["slack-app-oauth-state"].value
    done = await slack.http.get(
        "/slack/oauth_redirect",
        params={"code": "the-code", "state": state},
        headers={"Cookie": f"slack-app-oauth-state={cookie}"},
    )
    assert done.status == 200, await done.text()


def rows(tmp_path: Path, query: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(tmp_path / "tryghed.db")) as db:
        db.execute("ATTACH DATABASE ? AS open_store", (str(tmp_path / "tryghed.db.open"),))
        return db.execute(query).fetchall()


def tokens(tmp_path: Path) -> int:
    (bots,) = rows(tmp_path, "SELECT count(*) FROM slack_bots")[0]
    (installs,) = rows(tmp_path, "SELECT count(*) FROM slack_installations")[0]
    return int(str(bots)) + int(str(installs))


def switched_off(tmp_path: Path) -> list[bool]:
    return [row[0] is not None for row in rows(tmp_path, "SELECT deactivated_at FROM teams")]


async def test_uninstalling_switches_the_teams_off_until_set_up_again(
    oauth_slack: Slack, tmp_path: Path
) -> None:
    await install(oauth_slack)
    assert "The team is set up" in await reply_to(oauth_slack, SETUP)
    assert "The pulse is posted" in await reply_to(oauth_slack, "pulse")
    posts = len(oauth_slack.api.calls_to("chat.postMessage"))
    assert rows(tmp_path, "SELECT count(*) FROM open_store.salts") == [(1,)]

    response = await oauth_slack.event({"type": "app_uninstalled"}, event_id="EvGone")
    assert response.status == 200
    await until(lambda: tokens(tmp_path) == 0 and switched_off(tmp_path) == [True])
    # The open round ended quietly: nothing posted, nothing left of who answered.
    ((closed_at,),) = rows(tmp_path, "SELECT closed_at FROM rounds")
    assert closed_at is not None
    assert rows(tmp_path, "SELECT count(*) FROM open_store.salts") == [(0,)]
    assert rows(tmp_path, "SELECT count(*) FROM open_store.participation") == [(0,)]
    assert len(oauth_slack.api.calls_to("chat.postMessage")) == posts
    # The aggregates stay (until the retention purge).
    assert rows(tmp_path, "SELECT count(*) FROM rounds") == [(1,)]

    await install(oauth_slack)
    assert "Tryghed was removed from this workspace" in await reply_to(oauth_slack, "status")
    assert "Tryghed was removed from this workspace" in await reply_to(oauth_slack, "pulse")
    assert len(oauth_slack.api.calls_to("chat.postMessage")) == posts
    assert "The team is set up" in await reply_to(oauth_slack, SETUP)
    assert switched_off(tmp_path) == [False]
    assert "The pulse is posted" in await reply_to(oauth_slack, "pulse")


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


async def test_an_uninstall_in_single_workspace_mode_is_heard(slack: Slack, tmp_path: Path) -> None:
    await reply_to(slack, SETUP)
    response = await slack.event({"type": "app_uninstalled"}, event_id="EvGone")
    assert response.status == 200
    await until(lambda: switched_off(tmp_path) == [True])


async def test_a_leader_deletes_the_team(slack: Slack, tmp_path: Path) -> None:
    await reply_to(slack, SETUP)
    await reply_to(slack, "pulse")
    assert "Only the team's leaders or an admin" in await reply_to(slack, "delete")
    slack.api.users["UADMIN"] = {"is_admin": True, "locale": "en-GB"}
    asked = await reply_to(slack, "delete", user="UADMIN")
    assert "Delete the team for good?" in asked
    code = re.search(r"/tryghed delete ([0-9a-f]{6})", asked)
    assert code is not None
    assert rows(tmp_path, "SELECT count(*) FROM teams") == [(1,)]
    assert "doesn't match" in await reply_to(slack, "delete abcdeX", user="UADMIN")

    done = await reply_to(slack, f"slet {code.group(1)}", user="UADMIN")
    assert "The team is deleted" in done
    for table in ("teams", "rounds", "answer_counts", "claims"):
        assert rows(tmp_path, f"SELECT count(*) FROM {table}") == [(0,)], table
    assert "isn't set up yet" in await reply_to(slack, "status", user="UADMIN")
