"""The demo's console story shows the summary's talk after a drop and the leader's own gap."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.demo.report import render_demo
from app.demo.story import DemoRun, run_demo
from content.loader import default_pack
from content.schema import Language
from surveys.anonymity import RoundSummary
from tests.conftest import run_blocking


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_story_shows_the_talk_after_a_drop_and_the_leaders_gap(
    tmp_path: Path, language: Language
) -> None:
    content = default_pack()
    run: DemoRun = run_blocking(
        run_demo(
            weeks=12,
            team_size=9,
            seed=1,
            language=language,
            database=tmp_path / "demo.db",
            content=content,
        )
    )
    text = render_demo(run, content, chart=None)
    dropped = [
        week
        for week in run.weeks
        if isinstance(week.outcome.result, RoundSummary)
        and any(c.delta < 0 for c in week.outcome.result.notable_changes.values())
    ]
    assert dropped, "the story has a drop"
    talk = content.text("results-talk", language)
    assert text.count(talk) == 1
    # The talk follows the summary's title of the first week with a drop.
    week = content.text("demo-week", language, week=dropped[0].number)
    title_line = next(line for line in text.splitlines() if line.endswith(f"({week})"))
    assert text.index(title_line) < text.index(talk)
    # The leader's private gap, with the common line about the first reaction.
    assert run.leader_view is not None
    assert content.text("leader-first-reaction", language) in text
