"""What the fuzz tests share: the canary every fuzzed string carries, a log recorder, and
how to break a well-formed answer."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

CANARY = "zqfuzz"
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    # One app per module on purpose; its state is checked before and after each example.
    suppress_health_check=[HealthCheck.too_slow],
)
hostile = st.text(max_size=30).map(lambda text: f"{text}{CANARY}")
"""Any text, marked with the canary so a log line quoting it can be found."""


class Records(logging.Handler):
    """Every log record at INFO or above, from every logger."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def leaks(self) -> list[str]:
        """Lines that quote fuzzed input."""
        found = []
        for record in self.records:
            text = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                text += " " + repr(record.exc_info[1])
            if CANARY in text:
                found.append(f"{record.name}: {text[:300]}")
        return found


def breakages(ways: Sequence[str]) -> st.SearchStrategy[set[str]]:
    """One of `ways` to break an answer (each alone must be refused), or two or three at once."""
    return st.one_of(
        st.sampled_from(ways).map(lambda way: {way}),
        st.sets(st.sampled_from(ways), min_size=2, max_size=3),
    )
