"""What someone typed after @Tryghed, without mentions and Teams' HTML."""

from __future__ import annotations

import html
import re

_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def command_text(text: str | None) -> str:
    """`<at>Tryghed</at> trend&nbsp;8` → `trend 8`: mentions and markup removed."""
    # Commands never name people, so every mention is addressing, not an argument.
    cleaned = _TAG.sub(" ", _MENTION.sub(" ", text or ""))
    return " ".join(html.unescape(cleaned).split())
