"""Counting answers: the answers that arrive together are stored in one transaction (group
commit), each checked on its own and told its own outcome."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from surveys.announcements import PulseStatus
from surveys.anonymity import participant_key
from surveys.ballot import Ballot, Entry, Participant
from surveys.errors import (
    AlreadyAnswered,
    AnswersLost,
    NotAMember,
    RoundClosed,
    RoundNotFound,
    StorageUnavailable,
    TryghedError,
)
from surveys.events import Happened
from surveys.group_commit import GroupCommit, Pending
from surveys.ports import Clock, UnitOfWorkFactory
from surveys.rounds import validate_answers
from surveys.team import Origin, check_origin


@dataclass(frozen=True, slots=True)
class Submission:
    """One person's answers to a round, as a request brought them (from `origin`)."""

    round_id: str
    user_id: str
    answers: Mapping[str, int]
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class _Admitted:
    ballot: Ballot
    participant: Participant
    answers: Sequence[tuple[str, int]]


_REFUSED = {Entry.ALREADY_ANSWERED: AlreadyAnswered, Entry.NOT_A_MEMBER: NotAMember}
# The outcome of an answer whose person stopped waiting: never delivered (they have gone).
_GIVEN_UP = StorageUnavailable()


class Answering:
    """Counts each answer once, refusing a second time, a closed round, bad answers and a
    round of a team living elsewhere; answers arriving together share one transaction."""

    def __init__(
        self,
        *,
        unit_of_work: UnitOfWorkFactory,
        clock: Clock,
        secret_key: bytes,
        tell: Callable[[Happened], None],
        writers: int = 1,
    ) -> None:
        self._uow = unit_of_work
        self._clock = clock
        self._secret_key = secret_key
        self._tell = tell
        self._group: GroupCommit[Submission, PulseStatus] = GroupCommit(
            self._store, flights=writers
        )

    async def submit(self, submission: Submission) -> PulseStatus:
        """Count `submission` (with whatever else is waiting); its round's status after it."""
        return await self._group.submit(submission)

    async def _store(self, batch: Sequence[Pending[Submission]]) -> list[PulseStatus | Exception]:
        async with self._uow() as uow:
            ballots = await uow.rounds.ballots({p.item.round_id for p in batch})
            now = self._clock.now()
            # Looked at once the transaction holds its rounds (on SQLite: once the write lock
            # was had): an answer whose person was meanwhile told to try again is not counted
            # behind their back.
            outcomes = [
                _GIVEN_UP if p.given_up else self._admit(p.item, ballots.get(p.item.round_id), now)
                for p in batch
            ]
            admitted = {n: o for n, o in enumerate(outcomes) if isinstance(o, _Admitted)}
            entered = await uow.participation.enter([a.participant for a in admitted.values()])
            entries = dict(zip(admitted, entered, strict=True))  # by the outcome's place
            counted = [admitted[n] for n, entry in entries.items() if entry is Entry.COUNTED]
            if counted:
                await uow.answers.add([(a.participant.round_id, a.answers) for a in counted])
                await uow.commit()
        for _ in counted:
            self._tell(Happened.ANSWERS_RECORDED)
        # Each counted answer's count: those counted before the batch read its round, plus
        # those of the batch up to and including it. The pulse message reads it afresh.
        so_far: Counter[str] = Counter()
        results: list[PulseStatus | Exception] = []
        for n, outcome in enumerate(outcomes):
            if not isinstance(outcome, _Admitted):
                results.append(outcome)
            elif entries[n] is not Entry.COUNTED:
                results.append(_REFUSED[entries[n]]())
            else:
                round_, team = outcome.ballot.round, outcome.ballot.team
                so_far[round_.id] += 1
                respondents = outcome.ballot.respondents + so_far[round_.id]
                results.append(PulseStatus(team=team, round=round_, respondents=respondents))
        return results

    def _admit(
        self, submission: Submission, ballot: Ballot | None, now: datetime
    ) -> _Admitted | TryghedError:
        """What storing the answer takes, or why it is refused, before anything is stored."""
        try:
            if ballot is None:
                raise RoundNotFound()
            round_, team = ballot.round, ballot.team
            # Before anything else: another team's round is not even said to be closed.
            check_origin(submission.origin, team)
            if not round_.is_open or now >= round_.closes_at:
                raise RoundClosed()
            answers = validate_answers(round_, submission.answers)
            if ballot.salt is None:
                raise AnswersLost()
        except TryghedError as error:
            return error
        key = participant_key(self._secret_key, ballot.salt, submission.user_id)
        viewer = team.settings.role_of(submission.user_id) is not None
        return _Admitted(ballot, Participant(round_.id, key, viewer), answers)
