"""Privacy over a whole round on every platform: the database and the INFO log keep no
respondent, and nothing below the threshold is shown (R8)."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing

import pytest

from content.loader import default_pack
from tests.scenarios.chat.platform import FACILITATOR, PEOPLE, Platform
from tests.scenarios.chat.steps import answer, close, round_of, set_up, start_pulse

RESPONDENTS = PEOPLE[1:7]


async def test_a_whole_round_leaves_no_respondent_behind(
    platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await set_up(platform)
    pulse = await start_pulse(platform)
    for n, person in enumerate(RESPONDENTS):
        await answer(platform, pulse, person, value=1 + n % 5)
    assert await platform.pulse.remind(round_of(pulse)) == 3
    await close(platform)
    assert "The trend over 1 rounds" in (await platform.say(FACILITATOR, "trend")).text

    files = sorted(platform.database.parent.glob(f"{platform.database.name}*"))
    raw = b"".join(path.read_bytes() for path in files)
    for person in RESPONDENTS:
        for identity in platform.identities(person):
            assert identity.encode() not in raw, f"{person} is in the database files"
    with closing(sqlite3.connect(platform.database)) as db:
        db.execute("ATTACH DATABASE ? AS open_store", (f"{platform.database}.open",))
        for table in ("salts", "members", "participation", "counts"):
            assert db.execute(f"SELECT count(*) FROM open_store.{table}").fetchone() == (0,)
        assert db.execute("SELECT respondents FROM rounds").fetchall() == [(len(RESPONDENTS),)]
        # Only the team's settings name the facilitator: no other table keeps anyone, not
        # where to post, not the installation, not even who set the team up.
        listed = db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        tables = [row[0] for row in listed.fetchall()]
        stored = " ".join(
            str(row)
            for table in tables
            if table != "teams"
            for row in db.execute(f"SELECT * FROM {table}")
        )
    for person in PEOPLE:
        for identity in platform.identities(person):
            assert identity not in stored

    statements = [s.id for s in default_pack().statements]
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert logged  # the flow did log
    for person in PEOPLE:
        for identity in platform.identities(person):
            assert identity not in logged
    for statement in statements:
        assert statement not in logged
    for secret in platform.secrets():
        assert secret not in logged
