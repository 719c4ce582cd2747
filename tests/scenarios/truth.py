"""The numbers a history should show, recomputed here from the answers the runner gave (never
by calling the code under test), and checks that a card says nothing they contradict.

The rule recomputed (docs/measurement.md): a round is shown when at least k answered; a
pillar's score is the mean of its reverse-corrected answers mapped to 0-100; its change
compares the statements the round asked on that pillar with the most recent earlier shown
round (within the look-back) that asked them all, scored on exactly those statements, and is
notable when it is at least 10 points and beyond 1.96 times the combined standard error,
judged per respondent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from bot.views.card import Card, Chart, Facts, Paragraph
from bot.views.sparkline import GAP
from bot.views.texts import Texts
from content.schema import ContentPack, PillarKey
from surveys.scoring import Histogram
from surveys.team import Team
from tests.scenarios.runner import Played

# How close a change may come to the noise bar before either verdict is right: the bar is an
# irrational number the code computes in floating point.
NOISE_TIE = 1e-6
SCORE_TEXT = re.compile(r"^(\d{1,3})(?: ([▲▼])([+−])(\d{1,3}))?$")


@dataclass(frozen=True)
class Score:
    """A pillar's exact score on some statements, and its standard error per respondent."""

    value: Fraction
    standard_error: float


@dataclass(frozen=True)
class Expected:
    """A pillar's expected change: exact points, since when, and whether it is notable (None
    when it sits on the noise bar, where either verdict is right)."""

    delta: Fraction
    since: datetime
    notable: bool | None


def score(content: ContentPack, histograms: Mapping[str, Histogram], respondents: int) -> Score:
    """The exact score of the given statements' answers (reverse-keyed ones turned)."""
    values: list[int] = []
    for statement_id, histogram in histograms.items():
        reverse = content.statement(statement_id).reverse
        for value, count in zip(range(1, 6), histogram, strict=True):
            values.extend([6 - value if reverse else value] * count)
    n = len(values)
    mean = Fraction(sum(values), n)
    variance = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else Fraction(0)
    people = max(1, min(respondents, n))
    return Score(
        value=(mean - 1) / 4 * 100, standard_error=25 * math.sqrt(float(variance) / people)
    )


def respondents(played: Played) -> int:
    """How many answered the round (every respondent answers every statement)."""
    return sum(next(iter(played.histograms.values())))


def shown(played: Played, k: int) -> bool:
    """Whether the round passes the gate with the team's k (nobody in this team is a
    leader): the larger of k, the round's k at opening and the floor of 3 must answer."""
    return respondents(played) >= max(3, k, played.k_at_open)


def on_pillar(content: ContentPack, played: Played, pillar: PillarKey) -> dict[str, Histogram]:
    """The round's answer counts on the pillar's statements it asked."""
    return {s: h for s, h in played.histograms.items() if content.statement(s).pillar is pillar}


def expected_change(
    content: ContentPack, history: Sequence[Played], index: int, pillar: PillarKey, *, k: int
) -> Expected | None:
    """The like-with-like change of round `index` on `pillar`, with k deciding what is shown."""
    lookback = 3 * max(len(content.statements_for(p)) for p in PillarKey)
    now = on_pillar(content, history[index], pillar)
    for earlier in reversed(history[max(0, index - lookback) : index]):
        if not shown(earlier, k) or not set(now) <= set(earlier.histograms):
            continue
        before = score(content, {s: earlier.histograms[s] for s in now}, respondents(earlier))
        current = score(content, now, respondents(history[index]))
        delta = current.value - before.value
        noise = 1.96 * math.hypot(current.standard_error, before.standard_error)
        beyond = None if abs(abs(float(delta)) - noise) < NOISE_TIE else abs(delta) > noise
        notable = False if abs(delta) < 10 else beyond
        return Expected(delta=delta, since=earlier.round.opened_at, notable=notable)
    return None


def check_score_text(text: str, exact: Score, change: Expected | None) -> bool:
    """A score column ("54", "54 ▼−12") agrees with the exact score and change; whether it
    shows an arrow."""
    match = SCORE_TEXT.match(text)
    assert match, text
    number, arrow, sign, points = match.groups()
    assert abs(int(number) - exact.value) <= Fraction(1, 2), (text, float(exact.value))
    if change is None or change.notable is False:
        assert arrow is None, (text, change)
        return False
    if change.notable is None and arrow is None:
        return False
    assert arrow is not None, (text, change)
    assert (arrow, sign) == (("▲", "+") if change.delta > 0 else ("▼", "−")), text
    assert abs(int(points) - abs(change.delta)) <= Fraction(1, 2), (text, float(change.delta))
    return True


def check_summary(card: Card, content: ContentPack, history: Sequence[Played], index: int) -> None:
    """The summary posted at round `index`'s close agrees with the numbers; a withheld round
    shows none."""
    played = history[index]
    k = played.k_at_open  # the team's k at the close: the plan changes it only before opening
    t = Texts(content, played.outcome.team.settings.language)
    zone = played.outcome.team.settings.zone
    texts = _strings(card)
    if not shown(played, k):
        assert not [e for e in card.elements if isinstance(e, Chart | Facts)]
        every = " ".join(texts)
        assert not any(t.pillar(p) in every for p in PillarKey), every
        assert "▲" not in every
        assert "▼" not in every
        # No digit but the date in the title and k in the reason.
        assert not re.search(r"\d", every.replace(_title_date(t, played), "").replace(str(k), ""))
        return
    (chart,) = [e for e in card.elements if isinstance(e, Chart)]
    expected: dict[PillarKey, Expected | None] = {}
    arrows: dict[PillarKey, bool] = {}
    for key in PillarKey:
        (row,) = [r for r in chart.rows if r[0] == t.pillar(key)]
        exact = score(content, on_pillar(content, played, key), respondents(played))
        expected[key] = expected_change(content, history, index, key, k=k)
        arrows[key] = check_score_text(row[2], exact, expected[key])
    # The rose and dropped lines name exactly the pillars whose arrows say so, with the date
    # of the round compared with.
    dates = {t.short_date(p.round.opened_at, zone) for p in history}
    said = {
        (message, key, date)
        for message in ("summary-rose", "summary-dropped")
        for key in PillarKey
        for date in dates
        if Paragraph(t(message, pillar=t.pillar(key), date=date)) in card.elements
    }
    for key, change in expected.items():
        lines = {(m, d) for m, p, d in said if p is key}
        assert bool(lines) == arrows[key], (key, lines)
        if change is None or change.notable is False:
            assert not lines, (key, lines)
        elif change.notable or lines:
            message = "summary-rose" if change.delta > 0 else "summary-dropped"
            assert lines == {(message, t.short_date(change.since, zone))}, (key, lines, change)


def check_trend(card: Card, content: ContentPack, history: Sequence[Played], team: Team) -> None:
    """The private trend card over all of `history` agrees with the numbers, k being the
    team's now: gaps exactly at withheld rounds, the latest shown result and its change."""
    t = Texts(content, team.settings.language)
    k = team.settings.min_respondents
    visible = [i for i, p in enumerate(history) if shown(p, k)]
    (chart,) = [e for e in card.elements if isinstance(e, Chart)]
    facts = [row for e in card.elements if isinstance(e, Facts) for row in e.rows]
    for key in PillarKey:
        (row,) = [r for r in chart.rows if r[0] == t.pillar(key)]
        assert [mark == GAP for mark in row[1]] == [not shown(p, k) for p in history], row
        if not visible:
            assert row[2] == "–"
            assert not [f for f in facts if f[0] == t.pillar(key)]
            continue
        latest = visible[-1]
        exact = score(
            content, on_pillar(content, history[latest], key), respondents(history[latest])
        )
        change = expected_change(content, history, latest, key, k=k)
        arrow = check_score_text(row[2], exact, change)
        said = [f[1] for f in facts if f[0] == t.pillar(key)]
        assert bool(said) == arrow, (key, said)
        if change is None or change.notable is False:
            assert not said, (key, said)
        elif change.notable or said:
            direction = "up" if change.delta > 0 else "down"
            date = t.short_date(change.since, team.settings.zone)
            (text,) = said
            assert text in {
                t(f"trend-change-{direction}", points=float(abs(change.delta)) + e, date=date)
                for e in (-1e-6, 0.0, 1e-6)
            }, (text, change)


def _title_date(t: Texts, played: Played) -> str:
    return t.short_date(played.round.opened_at, played.outcome.team.settings.zone)


def _strings(card: Card) -> list[str]:
    found = [card.fallback]
    for element in card.elements:
        text = getattr(element, "text", None)
        if isinstance(text, str):
            found.append(text)
    return found
