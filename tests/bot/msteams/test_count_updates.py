"""A burst of answers updates the shared pulse card once (Teams redraws it for everyone)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.main import running_service
from app.settings import load_settings
from content.loader import default_pack
from tests.bot.msteams.harness import CHANNEL, PEOPLE, action, card_text, running_teams, until
from tests.bot.msteams.test_loop import answer, current_card, set_up, start_pulse, updates_of


async def test_a_burst_of_answers_is_one_update(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_teams(tmp_path, monkeypatch, TRYGHED_TEAMS_COUNT_DELAY="0.3") as teams:
        teams.connector.rosters[CHANNEL] = list(PEOPLE)
        await teams.install()
        await set_up(teams)
        pulse = await start_pulse(teams)
        for person in PEOPLE[:4]:
            await answer(teams, pulse, person, value=4)
        assert updates_of(teams, pulse) == []  # still waiting for the burst to end
        await until(lambda: len(updates_of(teams, pulse)) == 1)
        assert "4 of 9 have answered" in card_text(current_card(teams, pulse))
        await asyncio.sleep(0.4)
        assert len(updates_of(teams, pulse)) == 1
        # Closing does not wait: the card says "closed" at once, and no late count follows.
        await answer(teams, pulse, PEOPLE[4], value=4)
        teams.clock.advance(hours=1)  # a round may be closed by hand after an hour
        await teams.say("close", person=PEOPLE[0])
        assert "This round has closed" in card_text(current_card(teams, pulse))
        await asyncio.sleep(0.4)
        assert "This round has closed" in card_text(current_card(teams, pulse))
        teams.connector.assert_clean()


async def test_a_late_count_never_reopens_a_round_closed_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_teams(tmp_path, monkeypatch, TRYGHED_TEAMS_COUNT_DELAY="0.3") as teams:
        teams.connector.rosters[CHANNEL] = list(PEOPLE)
        await teams.install()
        await set_up(teams)
        pulse = await start_pulse(teams)
        round_id = action(pulse.cards[0], "tryghed_answer")["data"]["value"]
        await answer(teams, pulse, PEOPLE[1], value=4)  # its count waits for 0.3 s
        # Another replica, on the same database, closes the round meanwhile.
        async with running_service(load_settings(), default_pack(), schedule=False) as other:
            await other.pulse.close_round(round_id)
        assert "This round has closed" in card_text(current_card(teams, pulse))
        await asyncio.sleep(0.5)
        closed = current_card(teams, pulse)
        assert "This round has closed" in card_text(closed)
        assert "tryghed_answer" not in str(closed)
        teams.connector.assert_clean()
