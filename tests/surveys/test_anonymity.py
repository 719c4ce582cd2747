"""The anonymity gate: nothing below k leaves the domain, and open rounds give no numbers."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import timedelta

import pytest

from content.schema import ContentPack, PillarKey
from surveys.anonymity import (
    RoundSummary,
    WithheldReason,
    WithheldSummary,
    gate,
    participant_key,
    roster_key,
)
from surveys.comparison import Asked
from surveys.errors import RoundNotFound
from surveys.rounds import Round
from surveys.scoring import Histogram
from tests.builders import T0, a_round, a_team


def _closed(respondents: int) -> Round:
    return replace(a_round(a_team()), closed_at=T0 + timedelta(days=3), respondents=respondents)


def _counts(respondents: int, value: int = 4) -> dict[str, Histogram]:
    histogram = [0, 0, 0, 0, 0]
    histogram[value - 1] = respondents
    h = (histogram[0], histogram[1], histogram[2], histogram[3], histogram[4])
    return dict.fromkeys(("include-1", "learn-1", "contribute-1", "challenge-1"), h)


@pytest.mark.parametrize("k", [3, 5, 8])
def test_below_k_nothing_but_the_count_leaves(content: ContentPack, k: int) -> None:
    result = gate(content, _closed(k - 1), _counts(k - 1), min_respondents=k, earlier=())
    assert isinstance(result, WithheldSummary)
    # The withheld summary has no field that could carry an answer-derived number.
    assert {f.name for f in fields(result)} == {
        "round_id",
        "kind",
        "closed_at",
        "respondents",
        "min_respondents",
        "channel_size",
        "reason",
    }
    assert result.min_respondents == k
    assert result.reason is WithheldReason.TOO_FEW


@pytest.mark.parametrize("k", [3, 5, 8])
def test_at_k_the_results_show(content: ContentPack, k: int) -> None:
    result = gate(content, _closed(k), _counts(k), min_respondents=k, earlier=())
    assert isinstance(result, RoundSummary)
    assert set(result.pillars) == set(PillarKey)
    assert result.pillars[PillarKey.INCLUDE].score.score == pytest.approx(75.0)
    assert all(p.change is None for p in result.pillars.values())


@pytest.mark.parametrize("configured", [0, 1, 2])
def test_the_floor_holds_even_if_a_lower_k_reaches_the_gate(
    content: ContentPack, configured: int
) -> None:
    result = gate(content, _closed(2), _counts(2), min_respondents=configured, earlier=())
    assert isinstance(result, WithheldSummary)
    assert result.min_respondents == 3


def test_an_open_round_has_no_summary(content: ContentPack) -> None:
    with pytest.raises(RoundNotFound):
        gate(content, a_round(a_team()), _counts(9), min_respondents=5, earlier=())


def test_a_change_compares_the_same_statements(content: ContentPack) -> None:
    earlier = [Asked(opened_at=T0, respondents=8, histograms=_counts(8, value=5))]
    after = gate(content, _closed(8), _counts(8, value=2), min_respondents=5, earlier=earlier)
    assert isinstance(after, RoundSummary)
    change = after.pillars[PillarKey.LEARN].change
    assert change is not None
    assert change.delta == pytest.approx(-75.0)
    assert change.notable
    assert change.since == T0
    assert set(after.notable_changes) == set(PillarKey)


def test_no_earlier_round_asked_the_statements_so_no_change(content: ContentPack) -> None:
    other = {s.replace("-1", "-2"): h for s, h in _counts(8, value=5).items()}
    earlier = [Asked(opened_at=T0, respondents=8, histograms=other)]
    after = gate(content, _closed(8), _counts(8, value=2), min_respondents=5, earlier=earlier)
    assert isinstance(after, RoundSummary)
    assert all(p.change is None for p in after.pillars.values())


def test_participant_keys_depend_on_key_salt_and_person() -> None:
    key = participant_key(b"k" * 32, b"s" * 32, "U1")
    assert key == participant_key(b"k" * 32, b"s" * 32, "U1")
    assert key != participant_key(b"k" * 32, b"t" * 32, "U1")
    assert key != participant_key(b"j" * 32, b"s" * 32, "U1")
    assert key != participant_key(b"k" * 32, b"s" * 32, "U2")
    assert "U1" not in key
    assert len(key) == 64


def test_roster_keys_are_the_same_in_every_round_of_a_workspace() -> None:
    key = roster_key(b"k" * 32, "T1", "U1")
    assert key == roster_key(b"k" * 32, "T1", "U1")
    assert key != roster_key(b"k" * 32, "T2", "U1")
    assert key != roster_key(b"j" * 32, "T1", "U1")
    assert key != roster_key(b"k" * 32, "T1", "U2")
    # The separator keeps workspace and person apart ("T1" + "1U" is not "T11" + "U").
    assert roster_key(b"k" * 32, "T1", "1U") != roster_key(b"k" * 32, "T11", "U")
    assert "U1" not in key
    assert len(key) == 64
