"""The Teams app's two icons, drawn as PNG with the standard library: four pillars."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

Pixel = tuple[int, int, int, int]
ACCENT = (0x2F, 0x5D, 0x50)
WHITE: Pixel = (255, 255, 255, 255)
CLEAR: Pixel = (0, 0, 0, 0)
# The four pillars of psychological safety as bars of a barometer, as fractions of the icon.
BAR_HEIGHTS = (0.34, 0.55, 0.44, 0.66)
BAR_WIDTH = 0.125
BAR_GAP = 0.0625
BASELINE = 0.78


def color_icon(size: int = 192) -> bytes:
    """The full-colour icon: white pillars on the accent colour."""
    return _png(size, _pillars(size, background=(*ACCENT, 255)))


def outline_icon(size: int = 32) -> bytes:
    """The outline icon Teams tints: white pillars on transparency."""
    return _png(size, _pillars(size, background=CLEAR))


def _pillars(size: int, *, background: Pixel) -> list[list[Pixel]]:
    rows = [[background] * size for _ in range(size)]
    width = max(1, round(BAR_WIDTH * size))
    gap = max(1, round(BAR_GAP * size))
    left = (size - (4 * width + 3 * gap)) // 2
    bottom = round(BASELINE * size)
    for n, height in enumerate(BAR_HEIGHTS):
        x0 = left + n * (width + gap)
        for y in range(bottom - round(height * size), bottom):
            for x in range(x0, x0 + width):
                rows[y][x] = WHITE
    return rows


def _png(size: int, rows: Sequence[Sequence[Pixel]]) -> bytes:
    """An 8-bit RGBA PNG."""
    raw = b"".join(b"\x00" + bytes(c for pixel in row for c in pixel) for row in rows)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
