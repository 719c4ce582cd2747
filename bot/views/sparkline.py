"""Sparklines: a row of block characters for a series of 0-100 scores, gaps for hidden rounds."""

from __future__ import annotations

from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"
GAP = "·"


def sparkline(values: Sequence[float | None]) -> str:
    """One character per value on a fixed 0-100 scale, so pillars compare at a glance."""
    return "".join(
        GAP
        if value is None
        else BLOCKS[max(0, min(len(BLOCKS) - 1, int(value / 100 * len(BLOCKS))))]
        for value in values
    )
