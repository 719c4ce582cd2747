"""Did it help: the extra item's id, its counts kept apart from the pillars, gated."""

from __future__ import annotations

from surveys.anonymity import RoundSummary, WithheldSummary
from surveys.hack_effect import helped_hack, helped_item, helped_result, statement_counts
from surveys.rounds import RoundKind
from tests.builders import T0

COUNTS = {"learn-1": (0, 0, 1, 4, 1), helped_item("pre-mortem"): (1, 1, 0, 3, 1)}


def test_the_item_names_its_hack_and_is_no_statement() -> None:
    assert helped_hack(helped_item("pre-mortem")) == "pre-mortem"
    assert helped_hack("learn-1") is None
    assert statement_counts(COUNTS) == {"learn-1": (0, 0, 1, 4, 1)}


def test_only_a_round_shown_yields_the_result() -> None:
    summary = RoundSummary("r", RoundKind.PULSE, T0, 6, 9, pillars={})
    result = helped_result(summary, COUNTS)
    assert result is not None
    assert (result.hack_id, result.agree, result.answers) == ("pre-mortem", 4, 6)
    withheld = WithheldSummary("r", RoundKind.PULSE, T0, 6, 7, 9)
    assert helped_result(withheld, COUNTS) is None
    assert helped_result(summary, {"learn-1": (0, 0, 1, 4, 1)}) is None
