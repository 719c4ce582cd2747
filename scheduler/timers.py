"""APScheduler wiring: a cron per schedule for opens (each opens all its teams), per-round
timers for reminders and closes.

The job store is in memory on purpose: a shared APScheduler 3 job store fires every job on
every replica. Each replica keeps its own timers, rebuilt from the database at start and on
every sync; the claims table makes sure only one of them acts.

Every sync also looks for rounds still open well past their deadline (a close that keeps
failing): each is logged at ERROR and their number is reported (the `/metrics` gauge).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.acts import Acts
from scheduler.lanes import Lanes, workspace_of
from scheduler.retention import Retention
from surveys.events import Happened
from surveys.ports import Clock, UnitOfWorkFactory
from surveys.rounds import Round
from surveys.schedule import reminder_slot
from surveys.team import Cadence, Team, TeamSettings

log = logging.getLogger(__name__)

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SYNC_JOB = "sync"
SYNC_DELAY_SECONDS = 1.0
# A round still open this long after its deadline is overdue: its close is failing (a close
# that fails at the deadline has been tried three times by then).
OVERDUE_AFTER = timedelta(minutes=5)


def open_trigger(settings: TeamSettings) -> CronTrigger:
    """The team's cron in its own zone. Biweekly fires weekly; the slot rule skips odd weeks."""
    day = DAYS[settings.weekday]
    common: dict[str, Any] = {
        "hour": settings.local_time.hour,
        "minute": settings.local_time.minute,
        "timezone": settings.zone,
    }
    if settings.cadence is Cadence.MONTHLY:
        return CronTrigger(day=f"1st {day}", **common)
    return CronTrigger(day_of_week=day, **common)


class PulseScheduler:
    """Keeps one replica's timers in step with the database and asks `Acts` when they fire."""

    def __init__(
        self,
        acts: Acts,
        *,
        unit_of_work: UnitOfWorkFactory,
        clock: Clock,
        sync_every: timedelta = timedelta(seconds=60),
        retention: Retention | None = None,
        lanes: Lanes | None = None,
        overdue: Callable[[int], None] | None = None,
    ) -> None:
        """`overdue` is told, on every sync, how many open rounds are overdue."""
        self._acts = acts
        self._overdue = overdue
        self._retention = retention
        self._uow = unit_of_work
        self._clock = clock
        self._sync_every = sync_every
        self._scheduler = AsyncIOScheduler(
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                # APScheduler's default is 1 s; a busy loop must not make a pulse vanish.
                "misfire_grace_time": int(acts.rules.grace.total_seconds()),
            }
        )
        self._timers: dict[str, object] = {}
        # The teams as the latest sync read them: a timer opens with the team it was set for
        # (open_round reads it afresh in the round's own transaction, and refuses the round
        # if its schedule changed meanwhile), not with a transaction of its own per team.
        self._teams: dict[str, Team] = {}
        # Each schedule's timer (its job id) and the teams on it, as the latest sync read them.
        self._schedules: dict[str, list[str]] = {}
        self._syncing = asyncio.Lock()
        self._stopped = False
        # Opens run side by side (teams due in the same minute do not queue behind each
        # other); these count the ones under way, so that stop() can wait for them.
        self._lanes = lanes or Lanes()
        self._acting = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._sync_wanted = False
        self._catch_up_wanted = False
        self._syncer: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Whether the timers are running."""
        return bool(self._scheduler.running) and not self._stopped

    async def start(self) -> None:
        """Catch up on what was missed while down, set the timers, and start."""
        self._scheduler.start()
        await self.sync()
        self._scheduler.add_job(
            self._sync_regularly,
            IntervalTrigger(seconds=self._sync_every.total_seconds()),
            id=SYNC_JOB,
        )
        if self._retention is not None:
            self._retention.schedule(self._scheduler)
        log.info("scheduler started")

    async def stop(self) -> None:
        """Stop the timers and wait for an act in flight to finish (before the database goes)."""
        if self._scheduler.running and not self._stopped:
            # AsyncIOScheduler shuts down on its next loop turn; we are stopped from now.
            self._stopped = True
            self._scheduler.shutdown(wait=False)
            self._lanes.close()
            if self._retention is not None:
                await self._retention.stop()
            async with self._syncing:
                await self._idle.wait()
            if self._syncer is not None:
                # Waiting to sync, or about to find the scheduler stopped: nothing to lose.
                self._syncer.cancel()
                await asyncio.gather(self._syncer, return_exceptions=True)
            log.info("scheduler stopped")

    def heard(self, happened: Happened) -> None:
        """Sync soon if a team or round changed in this process (answers change no timer)."""
        if happened.changes_schedule:
            self._sync_soon()

    async def _sync_regularly(self) -> None:
        """The periodic sync, with its catch-up, once the opens under way are over: in the
        middle of a fan-out its catch-up would only race them for their claims, a query per
        team."""
        self._sync_soon(catch_up=True)

    def _sync_soon(self, *, catch_up: bool = False) -> None:
        """One sync after a burst of changes (a thousand opens), not one per change."""
        if not self.running:
            return
        self._sync_wanted = True
        self._catch_up_wanted |= catch_up
        if self._syncer is None or self._syncer.done():
            self._syncer = asyncio.get_running_loop().create_task(self._sync_while_wanted())

    async def _sync_while_wanted(self) -> None:
        while self._sync_wanted and not self._stopped:
            # Reading every team and round takes a while with a thousand teams: a burst of
            # opens gets one sync once it is over (new rounds' timers are days away).
            await asyncio.sleep(SYNC_DELAY_SECONDS)
            await self._idle.wait()
            self._sync_wanted = False
            catch_up, self._catch_up_wanted = self._catch_up_wanted, False
            try:
                # Timers only, unless it is the periodic sync: a change made here leaves
                # nothing due now.
                await self.sync(catch_up=catch_up)
            except Exception as error:  # the periodic sync tries again
                log.error("a sync failed: %s", type(error).__name__)

    def jobs(self) -> dict[str, datetime | None]:
        """The timers and when they next fire (for tests and operators); a schedule's timer
        shows as each of its teams' `open:<team id>`."""
        jobs: dict[str, datetime | None] = {}
        for job in self._scheduler.get_jobs():
            if job.id in self._schedules:
                jobs.update({f"open:{team}": job.next_run_time for team in self._schedules[job.id]})
            else:
                jobs[job.id] = job.next_run_time
        return jobs

    async def sync(self, *, catch_up: bool = True) -> None:
        """Do what is due (unless told not to), then set each team's and each open round's
        timers."""
        async with self._syncing:
            if self._stopped:
                return
            if catch_up:
                await self._acts.catch_up(self._lanes)
            async with self._uow() as uow:
                teams = await uow.teams.all()
                rounds = await uow.rounds.all_open()
            self._look_for_overdue(rounds)
            wanted: dict[str, object] = {}
            by_id = {team.id: team for team in teams}
            schedules: dict[str, list[str]] = {}
            for team in teams:
                if not team.paused and team.active:
                    job_id = self._timer_open(team.settings)
                    wanted[job_id] = job_id
                    schedules.setdefault(job_id, []).append(team.id)
            for round_ in rounds:
                owner = by_id.get(round_.team_id)
                if owner is not None:
                    wanted.update(self._timers_round(round_, owner))
            for job_id in set(self._timers) - set(wanted):
                if self._scheduler.get_job(job_id) is not None:
                    self._scheduler.remove_job(job_id)
            self._timers = wanted
            self._teams = by_id
            self._schedules = schedules

    def _look_for_overdue(self, rounds: list[Round]) -> None:
        """Log each round open past its deadline (by id and how late, no team or person)
        and report how many there are."""
        now = self._clock.now()
        overdue = 0
        for round_ in rounds:
            late = now - round_.closes_at
            if late > OVERDUE_AFTER:
                overdue += 1
                log.error(
                    "round %s is still open %d min after its deadline: its close has not succeeded",
                    round_.id,
                    late // timedelta(minutes=1),
                )
        if self._overdue is not None:
            self._overdue(overdue)

    def _timer_open(self, settings: TeamSettings) -> str:
        """The one timer of every team on this schedule (its id): a thousand teams due in the
        same minute are one timer to fire and set again, not a thousand."""
        job_id = "opens:" + "/".join(
            (
                settings.cadence.value,
                DAYS[settings.weekday],
                f"{settings.local_time:%H:%M}",
                settings.timezone,
            )
        )
        if job_id not in self._timers or self._scheduler.get_job(job_id) is None:
            self._scheduler.add_job(
                self._open_schedule,
                open_trigger(settings),
                args=(job_id,),
                id=job_id,
                replace_existing=True,
            )
        return job_id

    def _timers_round(self, round_: Round, team: Team) -> dict[str, object]:
        now = self._clock.now()
        timers: dict[str, object] = {}
        moments = {f"close:{round_.id}": round_.closes_at}
        if team.settings.reminders and not round_.reminded:
            slot = reminder_slot(
                round_.opened_at,
                round_.closes_at,
                zone=team.settings.zone,
                quiet=self._acts.rules.quiet,
            )
            if slot is not None:
                moments[f"remind:{round_.id}"] = slot
        for job_id, moment in moments.items():
            if moment <= now:
                continue  # due now: the sync's catch-up has just handled it
            timers[job_id] = moment
            if self._timers.get(job_id) != moment or self._scheduler.get_job(job_id) is None:
                self._scheduler.add_job(
                    self.sync, DateTrigger(run_date=moment), id=job_id, replace_existing=True
                )
        return timers

    async def _open_schedule(self, job_id: str) -> None:
        """A schedule's cron fired: open its teams' rounds side by side (as the latest sync
        found them on it)."""
        teams = [self._teams[t] for t in self._schedules.get(job_id, []) if t in self._teams]
        opened = await asyncio.gather(
            *(self._open(team.id, workspace_of(team)) for team in teams), return_exceptions=True
        )
        for failure in opened:
            if isinstance(failure, BaseException):  # one team's open stops no other's
                log.error("an open failed: %s", type(failure).__name__)

    async def _open(self, team_id: str, workspace: str) -> None:
        """Open a team's round, side by side with the other teams due now (the claim still
        makes it once across replicas)."""
        if self._stopped:
            return
        self._acting += 1
        self._idle.clear()
        try:
            await self._lanes.run(workspace, partial(self._open_now, team_id))
        finally:
            self._acting -= 1
            if not self._acting:
                self._idle.set()
        # The new round's reminder and close need timers (also when another replica opened
        # it); one sync for the whole burst sets them.
        self._sync_soon()

    async def _open_now(self, team_id: str) -> None:
        team = self._teams.get(team_id)
        if team is not None:
            await self._acts.open_due(team)
