"""The daily retention purge: each team's old data deleted once a day, by one replica.

Every replica asks daily (and once at start); the claims table lets one of them purge each
team per day, as with every other scheduled act. A purge only deletes, so a purge repeated
after a crash does no harm, and a failed one is simply done again the next day.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from surveys.claims import Act, ClaimStatus
from surveys.lifecycle import Purged, TeamLifecycle
from surveys.ports import Clock, UnitOfWorkFactory
from surveys.retention import purge_slot

log = logging.getLogger(__name__)

PURGE_JOB = "purge"
PURGE_AT = time(3, 17)  # UTC: a quiet hour in Europe, and off the hour most pulses start at


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What one replica's daily purge did."""

    teams: int = 0  # teams this replica purged (the others were purged by another)
    rounds: int = 0
    hack_events: int = 0
    claims: int = 0
    teams_deleted: int = 0
    failed: int = 0

    def plus(self, purged: Purged) -> PurgeReport:
        """This report with one more team's purge in it."""
        return replace(
            self,
            teams=self.teams + 1,
            rounds=self.rounds + purged.rounds,
            hack_events=self.hack_events + purged.hack_events,
            claims=self.claims + purged.claims,
            teams_deleted=self.teams_deleted + purged.team_deleted,
        )


class Retention:
    """Deletes, once a day per team across replicas, what is older than the retention."""

    def __init__(self, *, unit_of_work: UnitOfWorkFactory, clock: Clock, months: int) -> None:
        self._uow = unit_of_work
        self._clock = clock
        self.months = months
        self._lifecycle = TeamLifecycle(unit_of_work=unit_of_work, clock=clock)
        self._running = asyncio.Lock()
        self._stopped = False

    def schedule(self, scheduler: AsyncIOScheduler) -> None:
        """Purge daily at PURGE_AT, and right away (a replica may never live through 03:17)."""
        scheduler.add_job(
            self.purge,
            CronTrigger(hour=PURGE_AT.hour, minute=PURGE_AT.minute, timezone=UTC),
            id=PURGE_JOB,
            next_run_time=datetime.now(UTC),
            replace_existing=True,
        )

    async def stop(self) -> None:
        """Purge no more, and wait for a purge in flight (before the database goes)."""
        self._stopped = True
        async with self._running:
            pass

    async def purge(self) -> PurgeReport:
        """Purge every team not yet purged today by any replica."""
        async with self._running:
            if self._stopped:
                return PurgeReport()
            async with self._uow() as uow:
                team_ids = [team.id for team in await uow.teams.all()]
            report = PurgeReport()
            for team_id in team_ids:
                if self._stopped:
                    break
                try:
                    purged = await self._purge_team(team_id)
                except Exception:  # logged; the other teams go on, and tomorrow it is retried
                    report = replace(report, failed=report.failed + 1)
                    continue
                if purged is not None:
                    report = report.plus(purged)
        if report.teams:
            log.info(
                "retention (%d months): purged %d team(s): %d round(s), %d hack log entries, "
                "%d claim(s) deleted, %d switched-off team(s) deleted",
                self.months,
                report.teams,
                report.rounds,
                report.hack_events,
                report.claims,
                report.teams_deleted,
            )
        return report

    async def _purge_team(self, team_id: str) -> Purged | None:
        """The team's purge of today, if this replica wins its claim; None otherwise."""
        now = self._clock.now()
        slot = purge_slot(now)
        try:
            async with self._uow() as uow:
                won = await uow.claims.claim(team_id, Act.PURGE, slot, at=now)
                await uow.commit()
        except Exception as error:  # e.g. the team was deleted a moment ago
            log.warning("team %s: could not claim today's purge: %s", team_id, type(error).__name__)
            return None
        if not won:
            return None
        try:
            purged = await self._lifecycle.purge_team(team_id, months=self.months)
        except Exception as error:
            await self._mark(team_id, slot, ClaimStatus.FAILED)
            log.error("team %s: the purge of %s failed: %s", team_id, slot, type(error).__name__)
            raise
        async with self._uow() as uow:
            await uow.claims.set_status(team_id, Act.PURGE, slot, ClaimStatus.SENT, at=now)
            # Only today's purge claim is worth keeping; the earlier ones would pile up.
            await uow.claims.remove_before(team_id, slot, act=Act.PURGE)
            await uow.commit()
        return purged

    async def _mark(self, team_id: str, slot: datetime, status: ClaimStatus) -> None:
        async with self._uow() as uow:
            await uow.claims.set_status(team_id, Act.PURGE, slot, status, at=self._clock.now())
            await uow.commit()
