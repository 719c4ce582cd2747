"""A database that does not answer in time: the person is told to try again before Teams
gives up on the invoke (five seconds), the answer they were told about is not counted behind
their back, and it counts once when they try again."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.msteams.cards import REFERENCE
from content.loader import default_pack
from tests.bot.msteams.harness import CHANNEL, PEOPLE, action, card_text, inputs, running_teams
from tests.bot.msteams.steps import open_form, set_up, start_pulse

PACK = default_pack()
TRY_AGAIN = PACK.text("error-try-again", "en")[:30]
COUNTED = PACK.text("answer-thanks", "en", deadline="").split("–")[0]


@pytest.mark.slow
async def test_a_locked_sqlite_database_gets_a_try_again_in_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_teams(tmp_path, monkeypatch) as teams:
        teams.connector.rosters[CHANNEL] = list(PEOPLE)
        await teams.install()
        await set_up(teams)
        pulse = await start_pulse(teams)
        form = await open_form(teams, pulse, PEOPLE[1])
        answers = {block["id"]: "4" for block in inputs(form)}
        round_id = action(form, "tryghed_answer_form")["data"][REFERENCE]
        # Someone else holds the write lock for longer than Teams waits (SQLite itself would
        # wait 10 s). From a thread of its own: the app's event loop must keep running.
        holder = sqlite3.connect(
            tmp_path / "tryghed.db", isolation_level=None, check_same_thread=False
        )
        await asyncio.to_thread(holder.execute, "BEGIN IMMEDIATE")
        try:
            # Without the bound, the answer would wait out SQLite's 10 s and be counted.
            reply = await asyncio.wait_for(
                teams.press(
                    pulse, "tryghed_answer_form", person=PEOPLE[1], card=form, answers=answers
                ),
                timeout=60,
            )
        finally:
            await asyncio.to_thread(holder.execute, "ROLLBACK")
            await asyncio.to_thread(holder.close)
        assert TRY_AGAIN in card_text(reply)
        # Told to try again, and it was so: the answer held back by the lock was left out
        # once the lock was free, and the second try is the one that counts.
        again = card_text(
            await teams.press(
                pulse, "tryghed_answer_form", person=PEOPLE[1], card=form, answers=answers
            )
        )
        assert COUNTED in again
        assert (await teams.pulse.status(round_id)).respondents == 1
