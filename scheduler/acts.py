"""The scheduled acts — open, remind, close — each claimed once per (team, act, slot).

No timers here: given the clock, these decide what is due and do it through PulseService.
APScheduler (timers.py) only decides *when* to ask; the claims table decides *whether*.

Opens and reminders are done at most once: one that fails stays failed, so nothing is ever
posted twice. A close must happen, so a failed close is tried again after a back-off, by one
replica each time (the claims table picks it); the summary still goes out at most once, as it
is only posted by the try that closes the round.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial

from scheduler.lanes import Lanes, workspace_of
from surveys.claims import Act, Claim, ClaimStatus
from surveys.errors import RoundClosed, TryghedError
from surveys.group_commit import GroupCommit, Pending
from surveys.ports import Clock, UnitOfWork, UnitOfWorkFactory
from surveys.rounds import Round, RoundKind
from surveys.schedule import QuietHours, kind_of_slot, open_slot_at_or_before, reminder_slot
from surveys.service import PulseService
from surveys.team import Team

log = logging.getLogger(__name__)

# A job that runs this much after its slot is on time; later than this, the log says "late".
PUNCTUAL = timedelta(minutes=1)
# A close still unfinished this long after it was claimed lost its claimer.
RETAKE_CLOSE_AFTER = timedelta(minutes=10)
UNFINISHED = frozenset({ClaimStatus.CLAIMED, ClaimStatus.SENDING})
# A failed close waits before it is tried again: at least this long, and at most that long.
RETRY_FIRST = timedelta(minutes=1)
RETRY_MOST = timedelta(minutes=30)


def retry_wait(slot: datetime, failed_at: datetime) -> timedelta:
    """How long an act that failed at `failed_at` waits before it is tried again: as long as
    it was late when it failed, within [RETRY_FIRST, RETRY_MOST].

    So a close that fails at its deadline and keeps failing is tried 1, 2, 4, 8, 16, 32
    minutes after the deadline, then every 30 minutes. The wait needs nothing but the slot and
    the claim's `updated_at`: the claims table, which every replica shares, is all it reads.
    """
    return min(max(failed_at - slot, RETRY_FIRST), RETRY_MOST)


def retry_failed_before(slot: datetime, now: datetime) -> datetime:
    """The moment before which a failure has waited out its back-off by `now`.

    A failure at `u` is due again once `u + retry_wait(slot, u) < now`; that moment grows with
    `u`, so "due" is "failed before one moment", which this solves for. The claims table then
    hands the retry to one replica in a single conditional UPDATE, as it does a take-over.
    """
    late = now - slot
    if late <= 2 * RETRY_FIRST:
        return now - RETRY_FIRST  # the failure was at most RETRY_FIRST late
    if late <= 2 * RETRY_MOST:
        return slot + late / 2  # it waits as long as it was late
    return now - RETRY_MOST


class Outcome(StrEnum):
    """What asking for an act led to."""

    NOT_DUE = "not due"
    TAKEN = "taken"  # claimed before: by another replica, or by this one earlier
    DONE = "done"
    LATE = "late"  # done, after the slot but within the grace period
    SKIPPED = "skipped"  # beyond the grace period, or refused (paused, a round already open)
    # Failed: an open or a reminder is never tried again (so never sent twice); a close is,
    # after its back-off.
    FAILED = "failed"
    # A failed close claimed again after its back-off (told before the try; the try's own
    # outcome follows).
    RETRIED = "retried"


@dataclass(frozen=True, slots=True)
class _Ask:
    """A claim asked for: (team, act, slot), to be left in `next_status` if won."""

    team_id: str
    act: Act
    slot: datetime
    now: datetime
    next_status: ClaimStatus
    retake_after: timedelta | None
    retry: bool


@dataclass(frozen=True)
class Rules:
    """How the scheduler treats time."""

    grace: timedelta = timedelta(hours=2)
    barometer_months: int = 3
    quiet: QuietHours = field(default_factory=QuietHours)


class Acts:
    """Opens, reminds and closes what is due, exactly once across replicas and restarts."""

    def __init__(
        self,
        *,
        service: PulseService,
        unit_of_work: UnitOfWorkFactory,
        clock: Clock,
        rules: Rules,
        observe: Callable[[Act, Outcome], None] | None = None,
        writers: int = 1,
    ) -> None:
        """`writers`: batches of claims the storage may usefully write at once."""
        self._service = service
        self._uow = unit_of_work
        self._clock = clock
        self.rules = rules
        self._observe = observe
        # A thousand teams due at once are a thousand claims: those asked for together share
        # one transaction (each still won or lost on its own).
        self._claims: GroupCommit[_Ask, tuple[bool, ClaimStatus | None]] = GroupCommit(
            self._win_all, flights=writers
        )

    async def catch_up(self, lanes: Lanes | None = None) -> dict[str, Outcome]:
        """Everything due now: each team's open, each open round's reminder and close.

        Given `lanes`, teams are served side by side (each team's own acts stay in order);
        without, one after the other. Rounds whose answers a database crash lost start
        asking again first."""
        try:
            await self._service.recover_lost_rounds()
        except Exception as error:  # the next sync tries again; meanwhile answers wait
            log.error("lost rounds could not be restarted yet: %s", type(error).__name__)
        async with self._uow() as uow:
            teams = {team.id: team for team in await uow.teams.all()}
            rounds = await uow.rounds.all_open()
        rounds_of: dict[str, list[Round]] = {}
        for round_ in rounds:
            rounds_of.setdefault(round_.team_id, []).append(round_)

        async def acts_of(team: Team) -> dict[str, Outcome]:
            outcomes = {f"open:{team.id}": await self.open_due(team)}
            for round_ in rounds_of.get(team.id, []):
                outcomes[f"close:{round_.id}"] = await self.close_due(round_)
                if outcomes[f"close:{round_.id}"] is Outcome.NOT_DUE:
                    outcomes[f"remind:{round_.id}"] = await self.remind_due(round_, team)
            return outcomes

        outcomes: dict[str, Outcome] = {}
        if lanes is None:
            for team in teams.values():
                outcomes.update(await acts_of(team))
            return outcomes
        done = await asyncio.gather(
            *(lanes.run(workspace_of(team), partial(acts_of, team)) for team in teams.values())
        )
        for team_outcomes in done:
            outcomes.update(team_outcomes or {})
        return outcomes

    async def open_due(self, team: Team) -> Outcome:
        """Open the round of the team's latest slot, if that slot is still unclaimed."""
        if team.paused or not team.active:
            return Outcome.NOT_DUE
        now = self._clock.now()
        slot = open_slot_at_or_before(team.settings, since=team.created_at, at=now)
        if slot is None:
            return Outcome.NOT_DUE
        kind = kind_of_slot(
            team.settings, slot, since=team.created_at, barometer_months=self.rules.barometer_months
        )
        return await self._once(
            team.id, Act.OPEN, slot, partial(self._open, team, kind, slot), settles=True
        )

    async def _open(self, team: Team, kind: RoundKind, slot: datetime) -> None:
        async def sent(uow: UnitOfWork) -> None:
            await uow.claims.set_status(
                team.id, Act.OPEN, slot, ClaimStatus.SENT, at=self._clock.now()
            )

        await self._service.open_round(team.id, kind=kind, team=team, settle=sent)

    async def remind_due(self, round_: Round, team: Team) -> Outcome:
        """The round's one reminder, at its moment (never at night or at the weekend)."""
        if not team.settings.reminders or round_.reminded:
            return Outcome.NOT_DUE
        slot = reminder_slot(
            round_.opened_at, round_.closes_at, zone=team.settings.zone, quiet=self.rules.quiet
        )
        now = self._clock.now()
        if slot is None or now < slot or now >= round_.closes_at:
            return Outcome.NOT_DUE
        return await self._once(team.id, Act.REMIND, slot, lambda: self._service.remind(round_.id))

    async def close_due(self, round_: Round) -> Outcome:
        """Close at the deadline. A close is never skipped for being late: a round must end.

        If the replica that claimed it died before closing, the round is still open, and as
        the summary is only posted once the round is closed, nothing was posted: after a
        while another replica takes the claim over (the row lock on the round keeps a slow
        claimer and the one taking over from both closing it). If the close failed (the
        database went away, say), it is tried again after a back-off (`retry_wait`), for as
        long as it takes.
        """
        if self._clock.now() < round_.closes_at:
            return Outcome.NOT_DUE
        return await self._once(
            round_.team_id,
            Act.CLOSE,
            round_.closes_at,
            partial(self._close, round_.id),
            always=True,
            retake_after=RETAKE_CLOSE_AFTER,
            retry=True,
        )

    async def _close(self, round_id: str) -> None:
        try:
            await self._service.close_round(round_id)
        except RoundClosed:
            # Closed already: by hand, or by an earlier try that failed after its close was
            # committed. Either way the round has ended, which is what this act is for; its
            # summary is not posted again (at most once, as every post).
            log.info("round %s was closed already", round_id)

    async def _once(
        self,
        team_id: str,
        act: Act,
        slot: datetime,
        do: Callable[[], Awaitable[object]],
        *,
        always: bool = False,
        retake_after: timedelta | None = None,
        retry: bool = False,
        settles: bool = False,
    ) -> Outcome:
        """Claim (team, act, slot); only the one caller that wins it acts, and only once
        (or, given `retry`, once more after each failure and its back-off). `settles`: `do`
        marks the claim sent itself, in its last transaction."""
        outcome = await self._claim_and_do(
            team_id,
            act,
            slot,
            do,
            always=always,
            retake_after=retake_after,
            retry=retry,
            settles=settles,
        )
        if outcome is not Outcome.TAKEN:
            self._tell(act, outcome)
        return outcome

    def _tell(self, act: Act, outcome: Outcome) -> None:
        if self._observe is not None:
            self._observe(act, outcome)

    async def _claim_and_do(
        self,
        team_id: str,
        act: Act,
        slot: datetime,
        do: Callable[[], Awaitable[object]],
        *,
        always: bool,
        retake_after: timedelta | None,
        retry: bool,
        settles: bool,
    ) -> Outcome:
        now = self._clock.now()
        lateness = now - slot
        too_late = lateness > self.rules.grace and not always
        # Claimed right in the status it moves on to, in one statement: a thousand teams due
        # at once are a thousand claims, and each statement and transaction less is felt.
        next_status = ClaimStatus.SKIPPED if too_late else ClaimStatus.SENDING
        won, found = await self._claims.submit(
            _Ask(team_id, act, slot, now, next_status, retake_after=retake_after, retry=retry)
        )
        if not won:
            return Outcome.TAKEN
        if found is ClaimStatus.FAILED:
            self._tell(act, Outcome.RETRIED)
        if too_late:
            log.warning("team %s: %s of %s skipped, missed by %s", team_id, act, slot, lateness)
            return Outcome.SKIPPED
        try:
            await do()
        except TryghedError as refusal:
            if not retry:
                await self._mark(team_id, act, slot, ClaimStatus.SKIPPED)
                log.info("team %s: %s of %s not done: %s", team_id, act, slot, refusal.key)
                return Outcome.SKIPPED
            # A close refused (its round's lost answers are being restored, say) is a round
            # still open: it is tried again like any failure.
            return await self._failed(team_id, act, slot, refusal.key, retry=True)
        except Exception as error:
            return await self._failed(team_id, act, slot, type(error).__name__, retry=retry)
        if not settles:
            await self._mark(team_id, act, slot, ClaimStatus.SENT)
        if lateness > PUNCTUAL:
            log.warning("team %s: %s of %s done late, by %s", team_id, act, slot, lateness)
            return Outcome.LATE
        log.info("team %s: %s of %s done", team_id, act, slot)
        return Outcome.DONE

    async def _win_all(
        self, batch: Sequence[Pending[_Ask]]
    ) -> list[tuple[bool, ClaimStatus | None] | Exception]:
        """Each claim asked for, in one transaction: the new ones in one statement, those
        found taken looked at one by one."""
        results: list[tuple[bool, ClaimStatus | None] | Exception] = []
        async with self._uow() as uow:
            asks = [pending.item for pending in batch]
            won = await uow.claims.claim_all(
                [Claim(a.team_id, a.act, a.slot, at=a.now, status=a.next_status) for a in asks]
            )
            for ask, new in zip(asks, won, strict=True):
                results.append((True, None) if new else await self._win_taken(uow, ask))
            await uow.commit()
        return results

    async def _win_taken(self, uow: UnitOfWork, ask: _Ask) -> tuple[bool, ClaimStatus | None]:
        """Whether this caller gets a claim someone made before — an unfinished one taken
        over, or (given `retry`) a failed one whose back-off is over — and what it found; the
        claim it gets is left in `next_status`."""
        status = await uow.claims.status(ask.team_id, ask.act, ask.slot)
        won, found = await self._win_again(
            uow,
            ask.team_id,
            ask.act,
            ask.slot,
            now=ask.now,
            status=status,
            retake_after=ask.retake_after,
            retry=ask.retry,
        )
        if won:
            await uow.claims.set_status(ask.team_id, ask.act, ask.slot, ask.next_status, at=ask.now)
        return won, found

    async def _win_again(
        self,
        uow: UnitOfWork,
        team_id: str,
        act: Act,
        slot: datetime,
        *,
        now: datetime,
        status: ClaimStatus | None,
        retake_after: timedelta | None,
        retry: bool,
    ) -> tuple[bool, ClaimStatus | None]:
        """Whether this caller gets a claim that exists: taken over, or retried."""
        if status is None:  # it was deleted in between (the team is gone)
            return False, status
        if retake_after is not None and status in UNFINISHED:
            won = await uow.claims.take_over(
                team_id, act, slot, at=now, stale_before=now - retake_after
            )
            if won:
                log.warning("team %s: taking over the unfinished %s of %s", team_id, act, slot)
            return won, status
        if retry and status is ClaimStatus.FAILED:
            won = await uow.claims.retry_failed(
                team_id, act, slot, at=now, failed_before=retry_failed_before(slot, now)
            )
            if won:
                log.warning("team %s: trying the failed %s of %s again", team_id, act, slot)
            return won, status
        return False, status

    async def _failed(
        self, team_id: str, act: Act, slot: datetime, why: str, *, retry: bool
    ) -> Outcome:
        # An open or reminder stays failed, so a post is never made twice; a failed close is
        # claimed again once its back-off is over (the claim's `updated_at` dates the failure).
        failed_at = self._clock.now()
        await self._mark(team_id, act, slot, ClaimStatus.FAILED, at=failed_at)
        if retry:
            log.error(
                "team %s: %s of %s failed: %s; tried again in %s",
                team_id,
                act,
                slot,
                why,
                retry_wait(slot, failed_at),
            )
        else:
            log.error("team %s: %s of %s failed: %s", team_id, act, slot, why)
        return Outcome.FAILED

    async def _mark(
        self,
        team_id: str,
        act: Act,
        slot: datetime,
        status: ClaimStatus,
        *,
        at: datetime | None = None,
    ) -> None:
        async with self._uow() as uow:
            await uow.claims.set_status(team_id, act, slot, status, at=at or self._clock.now())
            await uow.commit()
