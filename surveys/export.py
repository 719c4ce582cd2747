"""A team's export: its closed rounds' aggregates, every one through the anonymity gate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from content.schema import ContentPack, PillarKey
from surveys.anonymity import RoundResult, RoundSummary, gate
from surveys.errors import TeamNotSetUp
from surveys.hack_effect import statement_counts
from surveys.ports import UnitOfWorkFactory
from surveys.rounds import Round
from surveys.scoring import SCALE_VALUES, Histogram
from surveys.team import Team

MAX_EXPORT_ROUNDS = 10_000
_CHUNK = 500  # round ids per query: well inside every database's limit on parameters


class NothingToExport(Exception):
    """No round of the team reached its anonymity threshold, so there is nothing to show."""


@dataclass(frozen=True, slots=True)
class StatementMean:
    """How a statement was answered in a reportable round: the mean on the 1-5 scale as asked
    (reverse-worded statements are not turned around; `reverse` says which they are)."""

    statement_id: str
    pillar: PillarKey
    reverse: bool
    mean: float
    answers: int


@dataclass(frozen=True, slots=True)
class ExportedRound:
    """One closed round: its gated result and, only when it passed the gate, statement means."""

    opened_at: datetime
    result: RoundResult
    statements: tuple[StatementMean, ...] = ()


@dataclass(frozen=True, slots=True)
class TeamExport:
    """A team's closed rounds, oldest first."""

    team: Team
    rounds: tuple[ExportedRound, ...]


async def export_team(
    unit_of_work: UnitOfWorkFactory, content: ContentPack, team_id: str
) -> TeamExport:
    """The team's aggregates; TeamNotSetUp for an unknown team, NothingToExport when no round
    has at least k respondents."""
    async with unit_of_work() as uow:
        team = await uow.teams.get(team_id)
        if team is None:
            raise TeamNotSetUp()
        rounds = list(reversed(await uow.rounds.closed(team_id, limit=MAX_EXPORT_ROUNDS)))
        histograms: dict[str, dict[str, Histogram]] = {}
        overlaps: set[str] = set()
        for start in range(0, len(rounds), _CHUNK):
            ids = [r.id for r in rounds[start : start + _CHUNK]]
            histograms.update(await uow.answers.histograms(ids))
            overlaps |= await uow.rosters.withheld(ids)
    exported = tuple(
        _exported(
            content,
            team,
            round_,
            # The "did it help" item is no statement: it is not part of the export.
            statement_counts(histograms.get(round_.id, {})),
            overlap=round_.id in overlaps,
        )
        for round_ in rounds
    )
    if not any(isinstance(r.result, RoundSummary) for r in exported):
        raise NothingToExport()
    return TeamExport(team=team, rounds=exported)


def _exported(
    content: ContentPack,
    team: Team,
    round_: Round,
    histograms: Mapping[str, Histogram],
    *,
    overlap: bool,
) -> ExportedRound:
    # The gate the summary and the trend use: k is the larger of the round's k at opening
    # and the team's k now (lowering k shows nothing that was withheld), and a round the
    # overlap rule withheld stays withheld.
    result = gate(
        content,
        round_,
        histograms,
        min_respondents=max(team.settings.min_respondents, round_.min_respondents or 0),
        earlier=(),
        overlap=overlap,
    )
    if not isinstance(result, RoundSummary):
        # Withheld: not a single number derived from the answers leaves.
        return ExportedRound(opened_at=round_.opened_at, result=result)
    means = []
    for statement_id in round_.statement_ids:
        histogram = histograms.get(statement_id)
        if histogram is None or sum(histogram) == 0:
            continue
        statement = content.statement(statement_id)
        answers = sum(histogram)
        total = sum(v * c for v, c in zip(SCALE_VALUES, histogram, strict=True))
        means.append(
            StatementMean(
                statement_id=statement_id,
                pillar=statement.pillar,
                reverse=statement.reverse,
                mean=total / answers,
                answers=answers,
            )
        )
    return ExportedRound(opened_at=round_.opened_at, result=result, statements=tuple(means))
