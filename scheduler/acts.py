"""The scheduled acts — open, remind, close — each claimed once per (team, act, slot).

No timers here: given the clock, these decide what is due and do it through PulseService.
APScheduler (timers.py) only decides *when* to ask; the claims table decides *whether*.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial

from scheduler.lanes import Lanes, workspace_of
from surveys.claims import Act, ClaimStatus
from surveys.errors import TryghedError
from surveys.ports import Clock, UnitOfWorkFactory
from surveys.rounds import Round
from surveys.schedule import QuietHours, kind_of_slot, open_slot_at_or_before, reminder_slot
from surveys.service import PulseService
from surveys.team import Team

log = logging.getLogger(__name__)

# A job that runs this much after its slot is on time; later than this, the log says "late".
PUNCTUAL = timedelta(minutes=1)
# A close still unfinished this long after it was claimed lost its claimer.
RETAKE_CLOSE_AFTER = timedelta(minutes=10)
UNFINISHED = frozenset({ClaimStatus.CLAIMED, ClaimStatus.SENDING})


class Outcome(StrEnum):
    """What asking for an act led to."""

    NOT_DUE = "not due"
    TAKEN = "taken"  # claimed before: by another replica, or by this one earlier
    DONE = "done"
    LATE = "late"  # done, after the slot but within the grace period
    SKIPPED = "skipped"  # beyond the grace period, or refused (paused, a round already open)
    FAILED = "failed"  # tried once and failed; never tried again, so never sent twice


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
    ) -> None:
        self._service = service
        self._uow = unit_of_work
        self._clock = clock
        self.rules = rules
        self._observe = observe

    async def catch_up(self, lanes: Lanes | None = None) -> dict[str, Outcome]:
        """Everything due now: each team's open, each open round's reminder and close.

        Given `lanes`, teams are served side by side (each team's own acts stay in order);
        without, one after the other."""
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
            team.id, Act.OPEN, slot, lambda: self._service.open_round(team.id, kind=kind)
        )

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
        claimer and the one taking over from both closing it).
        """
        if self._clock.now() < round_.closes_at:
            return Outcome.NOT_DUE
        return await self._once(
            round_.team_id,
            Act.CLOSE,
            round_.closes_at,
            lambda: self._service.close_round(round_.id),
            always=True,
            retake_after=RETAKE_CLOSE_AFTER,
        )

    async def _once(
        self,
        team_id: str,
        act: Act,
        slot: datetime,
        do: Callable[[], Awaitable[object]],
        *,
        always: bool = False,
        retake_after: timedelta | None = None,
    ) -> Outcome:
        """Claim (team, act, slot); only the one caller that wins it acts, and only once."""
        outcome = await self._claim_and_do(
            team_id, act, slot, do, always=always, retake_after=retake_after
        )
        if self._observe is not None and outcome is not Outcome.TAKEN:
            self._observe(act, outcome)
        return outcome

    async def _claim_and_do(
        self,
        team_id: str,
        act: Act,
        slot: datetime,
        do: Callable[[], Awaitable[object]],
        *,
        always: bool,
        retake_after: timedelta | None,
    ) -> Outcome:
        now = self._clock.now()
        async with self._uow() as uow:
            status = await uow.claims.status(team_id, act, slot)
            if status is None:
                won = await uow.claims.claim(team_id, act, slot, at=now)
            elif retake_after is not None and status in UNFINISHED:
                won = await uow.claims.take_over(
                    team_id, act, slot, at=now, stale_before=now - retake_after
                )
                if won:
                    log.warning("team %s: taking over the unfinished %s of %s", team_id, act, slot)
            else:
                won = False
            lateness = now - slot
            too_late = lateness > self.rules.grace and not always
            if won:
                # In the claim's own transaction: a thousand teams due at once are a thousand
                # claims, and each transaction less is felt.
                next_status = ClaimStatus.SKIPPED if too_late else ClaimStatus.SENDING
                await uow.claims.set_status(team_id, act, slot, next_status, at=now)
            await uow.commit()
        if not won:
            return Outcome.TAKEN
        if too_late:
            log.warning("team %s: %s of %s skipped, missed by %s", team_id, act, slot, lateness)
            return Outcome.SKIPPED
        try:
            await do()
        except TryghedError as refusal:
            await self._mark(team_id, act, slot, ClaimStatus.SKIPPED)
            log.info("team %s: %s of %s not done: %s", team_id, act, slot, refusal.key)
            return Outcome.SKIPPED
        except Exception as error:
            # At most once: a failed act stays failed, so a post is never made twice.
            await self._mark(team_id, act, slot, ClaimStatus.FAILED)
            log.error("team %s: %s of %s failed: %s", team_id, act, slot, type(error).__name__)
            return Outcome.FAILED
        await self._mark(team_id, act, slot, ClaimStatus.SENT)
        if lateness > PUNCTUAL:
            log.warning("team %s: %s of %s done late, by %s", team_id, act, slot, lateness)
            return Outcome.LATE
        log.info("team %s: %s of %s done", team_id, act, slot)
        return Outcome.DONE

    async def _mark(self, team_id: str, act: Act, slot: datetime, status: ClaimStatus) -> None:
        async with self._uow() as uow:
            await uow.claims.set_status(team_id, act, slot, status, at=self._clock.now())
            await uow.commit()
