"""PulseService: the use cases of the pulse loop, from setting a team up to its trend."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from content.schema import Audience, ContentPack, PillarKey
from surveys.announcements import Notice, PulseStatus, RoundOutcome
from surveys.anonymity import (
    RoundResult,
    RoundSummary,
    comparable,
    gate,
    new_salt,
    participant_key,
)
from surveys.answering import Answering, Submission
from surveys.ballot import Ballot
from surveys.closing import seal
from surveys.comparison import Asked, lookback_rounds
from surveys.errors import (
    CloseTooEarly,
    NoOpenRound,
    RoundClosed,
    RoundNotFound,
    TeamNotSetUp,
)
from surveys.events import Happened
from surveys.group_commit import GroupCommit, Pending
from surveys.hack_choice import (
    HackSuggestion,
    hack_by_id,
    hack_for_pillar,
    keep_hack,
    new_hack,
)
from surveys.hack_cycle import HACK_MEMORY, HackCycle, HackStep, next_step, read_cycle
from surveys.hack_effect import helped_result, statement_counts
from surveys.hack_log import HackEvent, HackLogEntry
from surveys.lifecycle import TeamLifecycle
from surveys.opening import Opening, Openings, Settle, check_openable, ready_ballot
from surveys.overlap import overlap_window, overlapping
from surveys.ports import ChatGateway, Clock, RowLock, UnitOfWork, UnitOfWorkFactory
from surveys.predicting import LeaderSide
from surveys.rounds import (
    Round,
    RoundKind,
)
from surveys.team import ChannelRef, Origin, Team, TeamSettings, check_origin
from surveys.traps import avoidance
from surveys.trend import HackDone, Trend, TrendPoint
from surveys.trend_cache import TrendCache

log = logging.getLogger(__name__)

MAX_TREND_ROUNDS = 104
SUMMARY_ROUNDS = 8  # the sparkline in a round's summary
# A person may close a round before its deadline only this long after it opened.
EARLIEST_CLOSE = timedelta(hours=1)


class PulseService:
    """The pulse loop's use cases; every number passes the anonymity gate before it leaves."""

    def __init__(
        self,
        *,
        unit_of_work: UnitOfWorkFactory,
        clock: Clock,
        chat: ChatGateway,
        content: ContentPack,
        secret_key: bytes,
        answer_writers: int = 1,
    ) -> None:
        """`answer_writers`: batches of answers the storage may usefully write at once."""
        self._uow = unit_of_work
        self._clock = clock
        self._chat = chat
        self._content = content
        self._secret_key = secret_key
        # Rounds read before the first one shown, so that even the oldest shown round finds
        # the last round that asked its statements (surveys/comparison.py).
        self._lookback = lookback_rounds(content)
        self.lifecycle = TeamLifecycle(unit_of_work=unit_of_work, clock=clock)
        self.leader_side = LeaderSide(
            unit_of_work=unit_of_work, clock=clock, chat=chat, content=content
        )
        self._listeners: list[Callable[[Happened], None]] = []
        self._trends = TrendCache()
        self._answering = Answering(
            unit_of_work=unit_of_work,
            clock=clock,
            secret_key=secret_key,
            tell=self._tell,
            writers=answer_writers,
        )
        self._ballot_reads: GroupCommit[str, Ballot] = GroupCommit(
            self._read_ballots, flights=answer_writers
        )
        self._openings = Openings(
            unit_of_work=unit_of_work,
            content=content,
            secret_key=secret_key,
            writers=answer_writers,
        )

    def subscribe(self, listener: Callable[[Happened], None]) -> None:
        """Tell `listener` what happened: a team changed, a round opened or closed, answers."""
        self._listeners.append(listener)

    def _tell(self, happened: Happened) -> None:
        for listener in self._listeners:
            listener(happened)

    # Teams

    async def set_up_team(
        self, channel: ChannelRef, settings: TeamSettings, *, name: str = ""
    ) -> Team:
        """Make `channel` a team, or give an existing team new settings."""
        async with self._uow() as uow:
            existing = await uow.teams.by_channel(channel)
            if existing is None:
                team = Team(
                    id=uuid.uuid4().hex,
                    channel=channel,
                    name=name,
                    settings=settings,
                    created_at=self._clock.now(),
                )
                await uow.teams.add(team)
            else:
                # Setting a switched-off team up again switches it on.
                team = replace(
                    existing, name=name or existing.name, settings=settings, deactivated_at=None
                )
                await uow.teams.update(team)
            await uow.commit()
        log.info("team %s set up (%s)", team.id, "new" if existing is None else "changed")
        self._tell(Happened.TEAM_CHANGED)
        return team

    async def team(self, team_id: str) -> Team:
        """The team with `team_id`."""
        async with self._uow() as uow:
            return await _team(uow, team_id)

    async def team_in(self, channel: ChannelRef) -> Team:
        """The team living in `channel`, or TeamNotSetUp."""
        async with self._uow() as uow:
            team = await uow.teams.by_channel(channel)
        if team is None:
            raise TeamNotSetUp()
        return team

    async def teams_with_role(self, platform: str, workspace_id: str, user_id: str) -> list[Team]:
        """The switched-on teams in a workspace where `user_id` is a leader or facilitator."""
        async with self._uow() as uow:
            teams = await uow.teams.all()
        return [
            team
            for team in teams
            if team.active
            and team.channel.platform == platform
            and team.channel.workspace_id == workspace_id
            and team.settings.role_of(user_id) is not None
        ]

    async def set_paused(self, team_id: str, *, paused: bool) -> Team:
        """Pause or resume a team's rounds."""
        async with self._uow() as uow:
            team = await _team(uow, team_id)
            team = replace(team, paused=paused)
            await uow.teams.update(team)
            await uow.commit()
        self._tell(Happened.TEAM_CHANGED)
        return team

    # Rounds

    async def open_round(
        self,
        team_id: str,
        *,
        kind: RoundKind = RoundKind.PULSE,
        team: Team | None = None,
        settle: Settle | None = None,
    ) -> Round:
        """Start a round and post the pulse message in the team's channel.

        `team`: the team as the caller has it, which spares a transaction: only its channel
        is used before the round's own transaction reads the team afresh, and the round is
        refused (ScheduleChanged) if the team's schedule is no longer the one `team` has (the
        caller found the round due by it). `settle`: more work for the transaction that
        records where the message went (the scheduler marks its claim done in it), so an open
        costs one transaction less. Opens under way together share their transactions
        (surveys/opening.py)."""
        known = team or await self.team(team_id)
        check_openable(known)
        members = await self._chat.channel_members(known)
        fresh, round_ = await self._openings.open(
            Opening(
                team_id=team_id,
                kind=kind,
                members=members,
                salt=new_salt(),
                at=self._clock.now(),
                due_by=team,
            )
        )
        try:
            message_ref = await self._chat.post_pulse(
                PulseStatus(team=fresh, round=round_, respondents=0)
            )
        except BaseException:
            # Nobody can see a round whose message never arrived: take it back.
            async with self._uow() as uow:
                await uow.rounds.discard(round_.id)
                await uow.commit()
            raise
        log.info("round %s opened for team %s (%s)", round_.id, team_id, kind)
        self._tell(Happened.ROUND_OPENED)
        await self._openings.posted(round_.id, message_ref, settle)
        return replace(round_, message_ref=message_ref)

    async def recover_lost_rounds(self) -> int:
        """Restart the open rounds whose answers were lost with the open-round store (the
        database crashed): everyone is asked again, nobody counted twice, and the pulse
        message says what happened. Returns how many rounds restarted."""
        async with self._uow() as uow:
            lost = await uow.rounds.lost()
        restarted = 0
        for candidate in lost:
            team = await self.team(candidate.team_id)
            members = await self._chat.channel_members(team)
            salt = new_salt()
            async with self._uow() as uow:
                round_ = await _round(uow, candidate.id, lock="update")
                # Another replica may have restarted it meanwhile.
                if not round_.is_open or await uow.rounds.salt(round_.id) is not None:
                    continue
                now = self._clock.now()
                await uow.rounds.restart(round_.id, salt=salt, at=now)
                await ready_ballot(
                    uow,
                    team,
                    round_,
                    secret_key=self._secret_key,
                    salt=salt,
                    members=members,
                    restarted=True,
                )
                await uow.commit()
            restarted += 1
            log.error(
                "round %s: its answers were lost with the open-round store; asked again", round_.id
            )
            restarted_round = replace(round_, restarted_at=now, reminded=False)
            await self.show_participation(
                PulseStatus(team=team, round=restarted_round, respondents=0)
            )
        return restarted

    async def open_round_of(self, team_id: str) -> Round:
        """The team's open round, or NoOpenRound."""
        async with self._uow() as uow:
            round_ = await uow.rounds.open_for_team(team_id)
        if round_ is None:
            raise NoOpenRound()
        return round_

    async def status(self, round_id: str, *, origin: Origin | None = None) -> PulseStatus:
        """The round and its participation count (the only number an open round has); with
        `origin`, only if the round's team lives where the request came from. Reads that
        arrive together are one statement (the pulse messages' counts come in bursts)."""
        ballot = await self._ballot_reads.submit(round_id)
        round_, team = ballot.round, ballot.team
        check_origin(origin, team)
        respondents = ballot.respondents if round_.is_open else round_.respondents or 0
        return PulseStatus(team=team, round=round_, respondents=respondents)

    async def _read_ballots(self, batch: Sequence[Pending[str]]) -> list[Ballot | Exception]:
        round_ids = [pending.item for pending in batch]
        async with self._uow() as uow:
            found = await uow.rounds.ballots(set(round_ids), lock=False)
        return [found.get(round_id) or RoundNotFound() for round_id in round_ids]

    async def has_answered(self, round_id: str, user_id: str) -> bool:
        """Whether `user_id` already answered the open round (False once it has closed)."""
        async with self._uow() as uow:
            salt = await uow.rounds.salt(round_id)
            if salt is None:
                return False
            key = participant_key(self._secret_key, salt, user_id)
            return bool(await uow.participation.among(round_id, [key]))

    async def submit(
        self,
        round_id: str,
        *,
        user_id: str,
        answers: Mapping[str, int],
        origin: Origin | None = None,
    ) -> PulseStatus:
        """Count one person's answers once; refuse a second time, a closed round, bad answers,
        and (given the request's `origin`) a round of a team living elsewhere. Answers that
        arrive together are stored together (surveys/answering.py)."""
        return await self._answering.submit(Submission(round_id, user_id, answers, origin))

    async def show_participation(self, status: PulseStatus) -> None:
        """Update the pulse message's count; separate from `submit` so that a slow chat
        platform never delays the answer's confirmation."""
        if status.round.message_ref is None:
            return
        try:
            await self._chat.update_pulse(status, status.round.message_ref)
        except Exception:  # the answer is safely counted; the shown count catches up later
            log.warning("could not update the pulse message of round %s", status.round.id)

    async def remind(self, round_id: str) -> int:
        """Remind, once, the channel members who have not answered; returns how many. While
        the trend signals avoidance (surveys/traps.py), nobody is reminded: more reminders
        rarely help people who pull back, so the team's leaders and facilitators are told."""
        status = await self.status(round_id)
        round_, team = status.round, status.team
        if not round_.is_open or round_.reminded or not team.settings.reminders:
            return 0
        if avoidance(await self.trend(team.id, rounds=SUMMARY_ROUNDS)):
            return await self._hold_back_reminder(round_id, team)
        members = await self._chat.channel_members(team)
        async with self._uow() as uow:
            # Checked again under the lock: two callers at once still remind only once.
            round_ = await _round(uow, round_id, lock="update")
            salt = await uow.rounds.salt(round_id)
            if round_.reminded or salt is None:
                return 0
            keys = {participant_key(self._secret_key, salt, member): member for member in members}
            answered = await uow.participation.among(round_id, keys.keys())
            await uow.rounds.mark_reminded(round_id)
            await uow.commit()
        waiting = [member for key, member in keys.items() if key not in answered]
        notice = Notice(key="reminder", values={"deadline": round_.closes_at})
        for member in waiting:
            await self._chat.send_private(team, member, notice)
        log.info("round %s: %d reminder(s) sent", round_id, len(waiting))
        return len(waiting)

    async def _hold_back_reminder(self, round_id: str, team: Team) -> int:
        async with self._uow() as uow:
            round_ = await _round(uow, round_id, lock="update")
            if round_.reminded:
                return 0
            # Marked as reminded, so the reminder slot passes once, as a sent one would.
            await uow.rounds.mark_reminded(round_id)
            await uow.commit()
        await self.leader_side.tell_those_running(team, Notice(key="reminder-held-back"))
        log.info("round %s: reminders held back (participation keeps falling)", round_id)
        return 0

    async def close_round(self, round_id: str, *, early: bool = False) -> RoundOutcome:
        """Close the round, forget who answered, and post the summary with the hack of the week.

        `early`: a person closes it before its deadline, which is refused in its first
        EARLIEST_CLOSE, so nobody can close a round right after one particular person answered.
        """
        now = self._clock.now()
        async with self._uow() as uow:
            round_ = await _round(uow, round_id, lock="update")
            if not round_.is_open:
                raise RoundClosed()
            if early and now < round_.opened_at + EARLIEST_CLOSE:
                raise CloseTooEarly(minutes=int(EARLIEST_CLOSE.total_seconds() // 60))
            team = await _team(uow, round_.team_id)
            start, end = overlap_window(round_.opened_at)
            rosters = await uow.rosters.in_period(
                team.channel.platform, team.channel.workspace_id, start=start, end=end
            )
            overlap = overlapping(round_.id, rosters)
            if overlap:
                await uow.rosters.withhold(round_.id)
            closed = await seal(
                uow,
                round_,
                at=now,
                min_respondents=team.settings.min_respondents,
                withhold=overlap,
            )
            result = (await self._results(uow, team, [closed]))[-1]
            # A withheld round's summary says why and nothing else: the hacks wait for the
            # next round shown (nothing suggested or followed up that nobody sees).
            step = (
                next_step(self._content, await _hack_cycle(uow, team.id, now), result, now=now)
                if isinstance(result, RoundSummary)
                else HackStep()
            )
            if step.is_new and step.suggestion is not None:
                hack_id = step.suggestion.hack.id
                await uow.hacks.add(_log_entry(team.id, hack_id, HackEvent.SUGGESTED, now))
            if step.follow_up is not None:
                hack_id = step.follow_up.hack.id
                await uow.hacks.add(_log_entry(team.id, hack_id, HackEvent.FOLLOWED_UP, now))
            counts = await uow.answers.histograms([closed.id])
            helped = helped_result(result, counts.get(closed.id, {}))
            await uow.commit()
        log.info("round %s closed", round_id)
        self._tell(Happened.ROUND_CLOSED)
        outcome = RoundOutcome(
            team=team,
            round=closed,
            result=result,
            suggestion=step.suggestion,
            trend=await self.trend(team.id, rounds=SUMMARY_ROUNDS),
            follow_up=step.follow_up,
            repeating=step.repeating,
            helped=helped,
        )
        await self._chat.post_outcome(outcome)
        await self.leader_side.after_close(outcome)
        return outcome

    async def result(self, round_id: str) -> RoundResult:
        """A closed round's result, through the anonymity gate."""
        async with self._uow() as uow:
            round_ = await _round(uow, round_id)
            team = await _team(uow, round_.team_id)
            return (await self._results(uow, team, [round_]))[-1]

    async def trend(self, team_id: str, *, rounds: int = 12) -> Trend:
        """The team's latest `rounds` closed rounds, gated, with the hacks done meanwhile;
        worked out again only when the store's stamp of the team's trend changed."""
        rounds = max(1, min(rounds, MAX_TREND_ROUNDS))
        async with self._uow() as uow:
            stamp = await uow.teams.trend_stamp(team_id)
            if stamp is None:
                raise TeamNotSetUp()
            now = self._clock.now()
            kept = self._trends.get(team_id, rounds, stamp=stamp, now=now)
            if kept is not None:
                return kept
            trend = await self._read_trend(uow, team_id, rounds)
        self._trends.put(trend, rounds, stamp=stamp, now=now)
        return trend

    async def _read_trend(self, uow: UnitOfWork, team_id: str, rounds: int) -> Trend:
        team = await _team(uow, team_id)
        # One query for the rounds shown and the few before them that changes compare to.
        fetched = await uow.rounds.closed(team_id, limit=rounds + self._lookback)
        oldest_first = list(reversed(fetched))
        shown = oldest_first[-rounds:]
        earlier = oldest_first[: len(oldest_first) - len(shown)]
        results = await self._results(uow, team, shown, earlier=earlier)
        points = [
            TrendPoint(opened_at=round_.opened_at, result=result)
            for round_, result in zip(shown, results, strict=True)
        ]
        now = self._clock.now()
        remembered = now - HACK_MEMORY
        # One read of the hack log for both the hacks done since the first round shown and the
        # cycle's memory (the one reaches back further than the other only rarely).
        since = points[0].opened_at if points else remembered
        entries = await uow.hacks.between(team_id, min(since, remembered), now)
        done = [e for e in entries if e.at >= since] if points else []
        cycle = read_cycle([e for e in entries if e.at >= remembered])
        return Trend(
            team_id=team_id,
            points=points,
            hacks_done=[
                HackDone(hack_id=e.hack_id, at=e.at) for e in done if e.event is HackEvent.DONE
            ],
            hacks=tuple(
                period
                for period in cycle.periods
                if points and (period.done_at or period.set_aside_at or now) >= points[0].opened_at
            ),
        )

    # Hacks

    async def suggest_hack(
        self,
        team_id: str,
        *,
        pillar: PillarKey | None = None,
        hack_id: str | None = None,
        audience: Audience = Audience.TEAM,
    ) -> HackSuggestion:
        """The hack a facilitator asks for: by id, by pillar, or else the team's current hack
        or a new one for the latest round."""
        if hack_id is not None:
            return hack_by_id(self._content, hack_id)
        now = self._clock.now()
        async with self._uow() as uow:
            team = await _team(uow, team_id)
            cycle = await _hack_cycle(uow, team_id, now)
            recent = cycle.recent
            if pillar is not None:
                return hack_for_pillar(self._content, pillar, recent=recent, audience=audience)
            latest = await uow.rounds.closed(team_id, limit=1)
            result = (await self._results(uow, team, latest))[-1] if latest else None
        current = cycle.current
        if current is not None and any(h.id == current.hack_id for h in self._content.hacks):
            hack = self._content.hack(current.hack_id)
            if result is None:
                return hack_by_id(self._content, hack.id)
            return keep_hack(hack, result)
        if result is None:
            return hack_for_pillar(
                self._content, PillarKey.INCLUDE, recent=recent, audience=audience
            )
        return new_hack(self._content, result, recent=recent, audience=audience)

    async def start_discussion(self, team_id: str, hack_id: str) -> str:
        """Post the hack card in the team's channel, open a thread for agreeing when to talk,
        and make it the team's current hack."""
        hack = hack_by_id(self._content, hack_id).hack
        team = await self.team(team_id)
        thread = await self._chat.post_hack(team, hack)
        async with self._uow() as uow:
            await uow.hacks.add(_log_entry(team_id, hack.id, HackEvent.STARTED, self._clock.now()))
            await uow.commit()
        return thread

    async def hack_done(self, team_id: str, hack_id: str) -> HackLogEntry:
        """Record that the team ran a hack; pressed again, the first time stands."""
        hack = hack_by_id(self._content, hack_id).hack
        now = self._clock.now()
        async with self._uow() as uow:
            await _team(uow, team_id)
            done = (await _hack_cycle(uow, team_id, now)).last_done
            if done is not None and done.hack_id == hack.id and done.done_at is not None:
                return _log_entry(team_id, hack.id, HackEvent.DONE, done.done_at)
            entry = _log_entry(team_id, hack.id, HackEvent.DONE, now)
            await uow.hacks.add(entry)
            await uow.commit()
        return entry

    async def _results(
        self,
        uow: UnitOfWork,
        team: Team,
        rounds: Sequence[Round],
        *,
        earlier: Sequence[Round] | None = None,
    ) -> list[RoundResult]:
        """Gate `rounds` (oldest first), each pillar compared with the last reportable round
        that asked its statements; `earlier` (oldest first) are the rounds before them, read
        here when not given."""
        if not rounds:
            return []
        if earlier is None:
            before = await uow.rounds.closed(
                team.id, limit=self._lookback, before=rounds[0].opened_at
            )
            earlier = list(reversed(before))
        chain = [*earlier, *rounds]
        histograms = await uow.answers.histograms([r.id for r in chain])
        overlaps = await uow.rosters.withheld([r.id for r in chain])
        # Only rounds that pass the gate now can be compared with, newest first, and only
        # within the look-back, so a round's change is the same in its summary and any trend.
        reportable: list[tuple[int, Asked]] = []
        results: list[RoundResult] = []
        for index, round_ in enumerate(chain):
            counts = statement_counts(histograms.get(round_.id, {}))
            result = gate(
                self._content,
                round_,
                counts,
                min_respondents=max(team.settings.min_respondents, round_.min_respondents or 0),
                earlier=[asked for at, asked in reportable if index - at <= self._lookback],
                overlap=round_.id in overlaps,
            )
            if isinstance(result, RoundSummary):
                reportable.insert(0, (index, comparable(self._content, round_, result, counts)))
            results.append(result)
        return results[len(earlier) :]


async def _hack_cycle(uow: UnitOfWork, team_id: str, now: datetime) -> HackCycle:
    return read_cycle(await uow.hacks.between(team_id, now - HACK_MEMORY, now))


async def _team(uow: UnitOfWork, team_id: str) -> Team:
    team = await uow.teams.get(team_id)
    if team is None:
        raise TeamNotSetUp()
    return team


async def _round(uow: UnitOfWork, round_id: str, *, lock: RowLock | None = None) -> Round:
    round_ = await uow.rounds.get(round_id, lock=lock)
    if round_ is None:
        raise RoundNotFound()
    return round_


def _log_entry(team_id: str, hack_id: str, event: HackEvent, at: datetime) -> HackLogEntry:
    return HackLogEntry(id=uuid.uuid4().hex, team_id=team_id, hack_id=hack_id, event=event, at=at)
