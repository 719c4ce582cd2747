"""Privacy over a whole Slack round: the database and the INFO log keep no respondent (R8)."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from content.loader import default_pack
from tests.bot.slack.conftest import FACILITATOR, PEOPLE
from tests.bot.slack.harness import Slack, until
from tests.bot.slack.test_loop import answer, button, channel_posts, set_up, start_pulse

RESPONDENTS = PEOPLE[1:7]


async def test_a_whole_round_leaves_no_respondent_behind(
    slack: Slack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await set_up(slack)
    message = await start_pulse(slack)
    round_id = button(message.args, "tryghed_answer")["value"]
    for n, person in enumerate(RESPONDENTS):
        await answer(slack, round_id, person, value=1 + n % 5)
    await slack.pulse.remind(round_id)
    slack.clock.advance(hours=1)  # a round may be closed by hand after an hour
    await slack.command("close", user=FACILITATOR)
    await until(lambda: len(channel_posts(slack)) == 2)
    await slack.command("trend", user=FACILITATOR)
    await until(lambda: "The trend over 1 rounds" in slack.last_reply_text())

    files = sorted(tmp_path.glob("tryghed.db*"))
    raw = b"".join(path.read_bytes() for path in files)
    for person in RESPONDENTS:
        assert person.encode() not in raw, f"{person} is in the database files"
    with closing(sqlite3.connect(tmp_path / "tryghed.db")) as db:
        db.execute("ATTACH DATABASE ? AS open_store", (str(tmp_path / "tryghed.db.open"),))
        for table in ("salts", "members", "participation", "counts"):
            assert db.execute(f"SELECT count(*) FROM open_store.{table}").fetchone() == (0,)
        assert db.execute("SELECT respondents FROM rounds").fetchall() == [(len(RESPONDENTS),)]

    statements = [s.id for s in default_pack().statements]
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert logged  # the flow did log
    for person in [*PEOPLE, FACILITATOR]:
        assert person not in logged
    for statement in statements:
        assert statement not in logged
    assert "xoxb-test" not in logged
