"""What someone typed after @Tryghed."""

from __future__ import annotations

import pytest

from bot.msteams.mentions import command_text


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("<at>Tryghed</at> pulse", "pulse"),
        ("<at>Tryghed</at>&nbsp;trend 8\n", "trend 8"),
        ("<p><at>Tryghed</at> setup weekly mon 09:00</p>", "setup weekly mon 09:00"),
        ("<at>Tryghed</at> <at>Anna Berg</at> hack learn", "hack learn"),
        ("<AT>Tryghed</AT> hjælp", "hjælp"),
        ("trend", "trend"),
        ("", ""),
        (None, ""),
        ("<at>Tryghed</at>", ""),
        ("Tom &amp; Jerry", "Tom & Jerry"),
    ],
)
def test_command_text(text: str | None, command: str) -> None:
    assert command_text(text) == command
