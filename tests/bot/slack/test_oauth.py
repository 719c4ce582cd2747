"""Multi-workspace mode: install through OAuth, use the installation's token, uninstall."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from tests.bot.slack.conftest import PUBLIC_URL
from tests.bot.slack.harness import Slack, until
from tests.bot.slack.steps import SETUP, reply_to


async def install(slack: Slack) -> None:
    exchanged = len(slack.api.calls_to("oauth.v2.access"))
    page = await slack.http.get("/slack/install")
    assert page.status == 200
    html = await page.text()
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', html)
    assert link is not None
    query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == ["111.222"]
    assert query["redirect_uri"] == [f"{PUBLIC_URL}/slack/oauth_redirect"]
    assert set(query["scope"][0].split(",")) >= {"commands", "chat:write", "users:read"}
    state = query["state"][0]
    cookie = page.cookies["slack-app-oauth-state"].value
    done = await slack.http.get(
        "/slack/oauth_redirect",
        params={"code": "the-code", "state": state},
        headers={"Cookie": f"slack-app-oauth-state={cookie}"},
    )
    assert done.status == 200, await done.text()
    exchange = slack.api.calls_to("oauth.v2.access")
    assert len(exchange) == exchanged + 1
    assert exchange[-1].args["code"] == "the-code"


async def test_install_then_work_then_uninstall(oauth_slack: Slack, tmp_path: Path) -> None:
    await install(oauth_slack)
    with sqlite3.connect(tmp_path / "tryghed.db") as db:
        assert db.execute("SELECT team_id, bot_token FROM slack_bots").fetchall() == [
            ("T0001", "xoxb-installed")
        ]
    await reply_to(oauth_slack, SETUP)
    await oauth_slack.command("pulse", user="UP01")
    await until(lambda: len(oauth_slack.api.calls_to("chat.postMessage", ok_only=True)) == 1)
    post = oauth_slack.api.calls_to("chat.postMessage", ok_only=True)[0]
    assert post.token == "xoxb-installed"

    await oauth_slack.event({"type": "app_uninstalled"}, event_id="EvGone")
    await until(lambda: _installations(tmp_path) == 0)
    # Installing again does not switch the team back on: someone who runs it does.
    await install(oauth_slack)
    assert "Tryghed was removed from this workspace" in await reply_to(oauth_slack, "status")
    assert "The team is set up" in await reply_to(oauth_slack, SETUP)
    oauth_slack.api.assert_clean()


async def test_a_bad_oauth_state_is_refused(oauth_slack: Slack, tmp_path: Path) -> None:
    done = await oauth_slack.http.get(
        "/slack/oauth_redirect", params={"code": "the-code", "state": "forged"}
    )
    assert done.status == 400
    assert oauth_slack.api.calls_to("oauth.v2.access") == []
    assert _installations(tmp_path) == 0


def _installations(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "tryghed.db") as db:
        (bots,) = db.execute("SELECT count(*) FROM slack_bots").fetchone()
        (installs,) = db.execute("SELECT count(*) FROM slack_installations").fetchone()
    return int(bots) + int(installs)
