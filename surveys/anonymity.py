"""The anonymity gate: the only way a round's numbers leave the domain.

Answer counts go in; out comes either a RoundSummary (a closed round with at least k
respondents) or a WithheldSummary that carries no answer-derived number at all.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from content.schema import ContentPack, PillarKey
from surveys.comparison import Asked, compare
from surveys.errors import RoundNotFound
from surveys.rounds import Round, RoundKind
from surveys.scoring import Change, Histogram, PillarScore, score_pillars
from surveys.team import MIN_RESPONDENTS_FLOOR

SALT_BYTES = 32
_PILLAR_ORDER = tuple(PillarKey)


@dataclass(frozen=True, slots=True)
class PillarResult:
    """A pillar's score in a reportable round and its change against the last reportable
    round that asked the same statements (None when there is none)."""

    score: PillarScore
    change: Change | None


@dataclass(frozen=True, slots=True)
class RoundSummary:
    """The results of a closed round that passed the gate."""

    round_id: str
    kind: RoundKind
    closed_at: datetime
    respondents: int
    channel_size: int | None
    pillars: Mapping[PillarKey, PillarResult]

    @property
    def notable_changes(self) -> dict[PillarKey, Change]:
        """The pillars whose change stands out from the noise."""
        return {
            key: result.change
            for key, result in self.pillars.items()
            if result.change is not None and result.change.notable
        }


class WithheldReason(StrEnum):
    """Why a round's results are withheld."""

    TOO_FEW = "too-few"  # fewer than k answered (said first when a round is both)
    OVERLAP = "overlap"  # another team's channel differs by a few people (surveys/overlap.py)


@dataclass(frozen=True, slots=True)
class WithheldSummary:
    """A closed round whose results are withheld: it says so and why, and nothing else."""

    round_id: str
    kind: RoundKind
    closed_at: datetime
    respondents: int
    min_respondents: int
    channel_size: int | None
    reason: WithheldReason = WithheldReason.TOO_FEW


RoundResult = RoundSummary | WithheldSummary


def gate(
    content: ContentPack,
    round_: Round,
    histograms: Mapping[str, Histogram],
    *,
    min_respondents: int,
    earlier: Sequence[Asked],
    overlap: bool = False,
) -> RoundResult:
    """Summarize a closed round, or withhold it when fewer than k people answered or (with
    `overlap`) when it could be subtracted from another team's (surveys/overlap.py).

    `earlier` are the team's reportable rounds before it, newest first, that each pillar's
    change may compare with (surveys/comparison.py)."""
    if round_.closed_at is None or round_.respondents is None:
        # An open round has a participation count and nothing more.
        raise RoundNotFound()
    k = max(min_respondents, MIN_RESPONDENTS_FLOOR)
    # Leaders and facilitators see results and know their own answers: only the others make
    # up k (rounds from before this was kept count everyone).
    independent = (
        round_.respondents if round_.eligible_respondents is None else round_.eligible_respondents
    )
    if independent < k or overlap:
        return WithheldSummary(
            round_id=round_.id,
            kind=round_.kind,
            closed_at=round_.closed_at,
            respondents=round_.respondents,
            min_respondents=k,
            channel_size=round_.channel_size,
            reason=WithheldReason.TOO_FEW if independent < k else WithheldReason.OVERLAP,
        )
    scores = score_pillars(content, histograms, respondents=round_.respondents)
    asked = _asked(content, histograms)
    return RoundSummary(
        round_id=round_.id,
        kind=round_.kind,
        closed_at=round_.closed_at,
        respondents=round_.respondents,
        channel_size=round_.channel_size,
        pillars={
            key: PillarResult(
                score=scores[key],
                change=compare(content, scores[key], asked[key], earlier),
            )
            for key in _PILLAR_ORDER
            if key in scores
        },
    )


def comparable(
    content: ContentPack, round_: Round, summary: RoundSummary, histograms: Mapping[str, Histogram]
) -> Asked:
    """What later rounds compare with: a reportable round's counts (`histograms`, as gated)
    and its pillars' scores by the statements each was scored on."""
    asked = _asked(content, histograms)
    return Asked(
        opened_at=round_.opened_at,
        respondents=summary.respondents,
        histograms=histograms,
        scores={asked[key]: result.score for key, result in summary.pillars.items()},
    )


def _asked(
    content: ContentPack, histograms: Mapping[str, Histogram]
) -> dict[PillarKey, frozenset[str]]:
    """The statements scored per pillar (the histograms hold no item outside the pillars,
    such as a hack's "did it help", which the round asks too)."""
    asked: dict[PillarKey, set[str]] = {}
    for statement_id in histograms:
        asked.setdefault(content.statement(statement_id).pillar, set()).add(statement_id)
    return {key: frozenset(statements) for key, statements in asked.items()}


def new_salt() -> bytes:
    """A fresh per-round salt; it is destroyed when the round closes."""
    return secrets.token_bytes(SALT_BYTES)


def participant_key(secret_key: bytes, salt: bytes, user_id: str) -> str:
    """Who answered, as a keyed hash that cannot be recomputed once the salt is gone."""
    return hmac.new(secret_key, salt + b"\x00" + user_id.encode(), hashlib.sha256).hexdigest()


def roster_key(secret_key: bytes, workspace_id: str, user_id: str) -> str:
    """A channel member in a round's roster (surveys/overlap.py), as a keyed hash that is the
    same in every round of the workspace, so rosters of different teams can be compared.
    It says who could answer (channel membership, visible in the workspace anyway), never who
    did; "roster" keeps it apart from every other keyed hash."""
    message = b"roster\x00" + workspace_id.encode() + b"\x00" + user_id.encode()
    return hmac.new(secret_key, message, hashlib.sha256).hexdigest()
