"""Teams' count delay, wired from the setting (the policy: tests/bot/test_pulse_updates.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.msteams.harness import CHANNEL, PEOPLE, card_text, running_teams
from tests.bot.msteams.steps import answer, current_card, set_up, start_pulse, updates_of


async def test_answers_on_teams_show_no_count_until_the_window_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With a window far longer than the test, answers move nothing; the close shows "closed"
    # at once, and the waiting count is dropped, never sent.
    async with running_teams(tmp_path, monkeypatch, teams_count_delay=600) as teams:
        teams.connector.rosters[CHANNEL] = list(PEOPLE)
        await teams.install()
        await set_up(teams)
        pulse = await start_pulse(teams)
        for person in PEOPLE[1:5]:
            await answer(teams, pulse, person, value=4)
        assert updates_of(teams, pulse) == []
        teams.clock.advance(hours=1)  # a round may be closed by hand after an hour
        await teams.say("close", person=PEOPLE[0])
        assert "This round has closed" in card_text(current_card(teams, pulse))
        teams.connector.assert_clean()
    assert len(updates_of(teams, pulse)) == 1
