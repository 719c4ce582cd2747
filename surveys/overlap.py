"""Overlapping teams: two summaries must never subtract to a few people's answers.

Two teams whose channels differ by one person, asked in the same period, publish two summaries
whose difference is that person's answers (people answer alike twice in a few weeks: the
attack's premise, and true enough of how people see their team). So before a round's summary
is shown, its roster (who was in the channel when it opened, as keyed hashes that are the same
in every round of a workspace: anonymity.roster_key) is compared with the rosters of the other
teams' rounds of the same workspace in the same period, and the round is withheld when

- pairwise: the two member sets differ by 1 to k-1 people (their symmetric difference), with
  k the larger of the two rounds' thresholds; or
- by a cover: a roster holds smaller rosters whose union leaves 1 to k-1 of its members out
  (a department channel = two team channels + the manager: department - team A - team B is
  the manager's answers, though no two of the three differ by fewer than k). The round is
  withheld whether it is the large roster or one of the small ones: which of them closes
  first is not known, so each one withholds itself.

Identical member sets (difference 0) are not withheld: the two summaries are of the same
group of people, and what their difference tells is about who answered, as between two rounds
of one team, which k already bounds. A team's own other rounds are not compared either: its
consecutive pulses ask different statements (rounds.statements_for_round), and people joining
and leaving between rounds is the trend the team asked to see, not an overlap.

The cover check is conservative (smaller rosters that overlap each other cannot always be
subtracted cleanly, and are still counted as covering). Differences that need three or more
rounds combined in other shapes than a cover are not detected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from surveys.team import MIN_RESPONDENTS_FLOOR

# Two rounds fall in the same period when they opened at most this far apart. The longest
# cadence (monthly) is a month: with a shorter period, two near-identical monthly teams
# asked two weeks apart (or biweekly teams on alternate weeks) would never be compared,
# though people answer about their team in much the same way a few weeks apart (the attack's
# premise). Any two teams, whatever their cadences, thus have rounds that are compared.
SAME_PERIOD = timedelta(days=31)

# Clocks of replicas and late scheduling: rosters are kept this much longer than needed.
ROSTER_MARGIN = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Roster:
    """Who was in a round's channel when it opened (as roster keys), and the round's k."""

    round_id: str
    team_id: str
    opened_at: datetime
    members: frozenset[str]
    min_respondents: int


def overlap_window(opened_at: datetime) -> tuple[datetime, datetime]:
    """The opening times, inclusive, of the rounds a round opened at `opened_at` is compared
    with."""
    return opened_at - SAME_PERIOD, opened_at + SAME_PERIOD


def same_period(first: datetime, second: datetime) -> bool:
    """Whether two rounds opened at these times fall in the same period."""
    return abs(first - second) <= SAME_PERIOD


def overlapping(round_id: str, rosters: Mapping[str, Roster]) -> bool:
    """Whether the round must be withheld because of the other rounds' rosters.

    `rosters` are those of the round's workspace opened in its overlap_window, by round id,
    its own among them; a round without a roster (opened before rosters were kept) is not
    compared, and only its own k gates it.
    """
    mine = rosters.get(round_id)
    if mine is None:
        return False
    return must_withhold(mine, rosters.values())


def must_withhold(mine: Roster, others: Iterable[Roster]) -> bool:
    """Whether `mine` must be withheld: another team's round of the same period differs from
    it by 1 to k-1 people, or the two are part of a cover that leaves 1 to k-1 people out
    (see the module's docstring)."""
    peers = [
        other
        for other in others
        if other.team_id != mine.team_id and same_period(other.opened_at, mine.opened_at)
    ]
    if any(_differ_by_few(mine, other) for other in peers):
        return True
    if _uncovered_few(mine, [p for p in peers if p.members < mine.members]):
        return True
    for whole in peers:
        if mine.members < whole.members:
            parts = [mine, *(p for p in peers if p is not whole and p.members < whole.members)]
            if _uncovered_few(whole, parts):
                return True
    return False


def roster_purge_before(now: datetime) -> datetime:
    """Rosters of closed rounds opened before this moment are no longer needed: no round that
    opens from now on falls in their period. (Rounds still open are compared when they close,
    so the repository keeps rosters in the period of any open round of their workspace.)"""
    return now - SAME_PERIOD - ROSTER_MARGIN


def _k(*rosters: Roster) -> int:
    return max(MIN_RESPONDENTS_FLOOR, *(r.min_respondents for r in rosters))


def _differ_by_few(first: Roster, second: Roster) -> bool:
    return 1 <= len(first.members ^ second.members) < _k(first, second)


def _uncovered_few(whole: Roster, parts: list[Roster]) -> bool:
    if not parts:
        return False
    covered: set[str] = set()
    for part in parts:
        covered |= part.members
    return 1 <= len(whole.members - covered) < _k(whole, *parts)
