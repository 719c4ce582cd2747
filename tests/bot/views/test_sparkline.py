"""Sparklines: one block per score on a fixed 0-100 scale, a dot for a hidden round."""

from __future__ import annotations

import pytest

from bot.views.sparkline import BLOCKS, GAP, sparkline


def test_nothing_to_draw() -> None:
    assert sparkline([]) == ""


def test_one_character_per_value() -> None:
    values = [float(v) for v in range(0, 101, 5)]
    line = sparkline(values)
    assert len(line) == len(values)
    assert set(line) <= set(BLOCKS)


def test_the_ends_of_the_scale() -> None:
    assert sparkline([0.0, 100.0]) == "▁█"


@pytest.mark.parametrize(
    ("value", "block"),
    [
        (12.4, "▁"),
        (12.5, "▂"),
        (50.0, "▅"),
        (87.4, "▇"),
        (87.5, "█"),
        (99.9, "█"),
    ],
)
def test_each_block_covers_an_eighth_of_the_scale(value: float, block: str) -> None:
    assert sparkline([value]) == block


def test_hidden_rounds_are_gaps() -> None:
    assert sparkline([None, 50.0, None, None, 100.0]) == f"{GAP}▅{GAP}{GAP}█"
    assert sparkline([None]) == GAP


def test_the_scale_is_fixed_not_stretched_to_the_data() -> None:
    # A stretched scale would draw 40 -> 60 from the bottom to the top.
    assert sparkline([40.0, 60.0]) == "▄▅"
    assert sparkline([40.0, 60.0, 0.0, 100.0])[:2] == "▄▅"


def test_above_the_scale_stays_at_the_top() -> None:
    assert sparkline([150.0]) == "█"


def test_below_the_scale_stays_at_the_bottom() -> None:
    assert sparkline([-20.0]) == "▁"
