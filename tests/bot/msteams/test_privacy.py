"""Privacy over a whole Teams round: the database and the INFO log keep no respondent (R8)."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from content.loader import default_pack
from tests.bot.msteams.harness import CHANNEL, FACILITATOR, PEOPLE, Teams, action
from tests.bot.msteams.test_loop import answer, set_up, start_pulse

RESPONDENTS = PEOPLE[1:7]


async def test_a_whole_round_leaves_no_respondent_behind(
    teams: Teams, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await set_up(teams)
    pulse = await start_pulse(teams)
    for n, person in enumerate(RESPONDENTS):
        await answer(teams, pulse, person, value=1 + n % 5)
    round_id = action(pulse.cards[0], "tryghed_answer")["data"]["value"]
    assert await teams.pulse.remind(round_id) == 3
    teams.clock.advance(hours=1)  # a round may be closed by hand after an hour
    await teams.say("close", person=FACILITATOR)
    assert len(teams.connector.threads(CHANNEL)) == 2
    await teams.say("trend", person=FACILITATOR)
    await teams.say_privately("trend", person=FACILITATOR)

    files = sorted(tmp_path.glob("tryghed.db*"))
    raw = b"".join(path.read_bytes() for path in files)
    for person in RESPONDENTS:
        assert person.aad.encode() not in raw, f"{person.name}'s AAD object id is stored"
        assert person.teams_id.encode() not in raw, f"{person.name}'s Teams id is stored"
        assert person.name.encode() not in raw
    with closing(sqlite3.connect(tmp_path / "tryghed.db")) as db:
        db.execute("ATTACH DATABASE ? AS open_store", (str(tmp_path / "tryghed.db.open"),))
        for table in ("salts", "members", "participation", "counts"):
            assert db.execute(f"SELECT count(*) FROM open_store.{table}").fetchone() == (0,)
        assert db.execute("SELECT respondents FROM rounds").fetchall() == [(len(RESPONDENTS),)]
        # The channel addresses hold no person at all, not even the one who set the team up.
        stored = " ".join(str(row) for row in db.execute("SELECT * FROM channel_addresses"))
    for person in PEOPLE:
        assert person.aad not in stored
        assert person.teams_id not in stored

    statements = [s.id for s in default_pack().statements]
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert logged  # the flow did log
    for person in PEOPLE:
        assert person.aad not in logged
        assert person.teams_id not in logged
        assert person.name not in logged
    for statement in statements:
        assert statement not in logged
    assert "a:chat-" not in logged  # 1:1 conversation ids name a person too
