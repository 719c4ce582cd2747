"""Opening rounds: the opens that arrive together (a thousand teams due in the same minute)
are stored in one transaction, and so is where their messages went (group commit); each is
still checked on its own and told its own outcome."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from content.schema import ContentPack
from surveys.anonymity import participant_key, roster_key
from surveys.errors import (
    RoundAlreadyOpen,
    ScheduleChanged,
    TeamInactive,
    TeamNotSetUp,
    TeamPaused,
    TryghedError,
)
from surveys.group_commit import GroupCommit, Pending
from surveys.hack_cycle import HACK_MEMORY, read_cycle
from surveys.hack_effect import helped_item
from surveys.hack_log import HackLogEntry
from surveys.ports import UnitOfWork, UnitOfWorkFactory
from surveys.rounds import Round, RoundKind, rotation_offset, statements_for_round
from surveys.team import Team

# More work for the transaction that records where a round's message went.
Settle = Callable[[UnitOfWork], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Opening:
    """A round to open for a team, with its channel's members as the chat platform gave them.

    `due_by`: the team as the caller found the round due by (a scheduled open); the round is
    refused (ScheduleChanged) if the team's schedule is no longer that one."""

    team_id: str
    kind: RoundKind
    members: Sequence[str]
    salt: bytes
    at: datetime
    due_by: Team | None = None


@dataclass(frozen=True, slots=True)
class _Posted:
    round_id: str
    message_ref: str
    settle: Settle | None


class Openings:
    """Stores new rounds, and then where their messages went, in a transaction per batch."""

    def __init__(
        self,
        *,
        unit_of_work: UnitOfWorkFactory,
        content: ContentPack,
        secret_key: bytes,
        writers: int = 1,
    ) -> None:
        self._uow = unit_of_work
        self._content = content
        self._secret_key = secret_key
        self._opening: GroupCommit[Opening, tuple[Team, Round]] = GroupCommit(
            self._store, flights=writers
        )
        self._posting: GroupCommit[_Posted, None] = GroupCommit(self._store_posted, flights=writers)

    async def open(self, opening: Opening) -> tuple[Team, Round]:
        """Store the round (with whatever else is opening); the team as read afresh, and the
        round. Refused if the team cannot open one now (paused, switched off, gone, its
        schedule changed, a round already open)."""
        return await self._opening.submit(opening)

    async def posted(self, round_id: str, message_ref: str, settle: Settle | None) -> None:
        """Record where the round's message went, and do `settle` in the same transaction."""
        await self._posting.submit(_Posted(round_id, message_ref, settle))

    async def _store(
        self, batch: Sequence[Pending[Opening]]
    ) -> list[tuple[Team, Round] | Exception]:
        team_ids = list(dict.fromkeys(p.item.team_id for p in batch))
        now = max(p.item.at for p in batch)
        async with self._uow() as uow:
            # Afresh, in the rounds' own transaction: paused, switched off or set up anew
            # meanwhile. A round already open is refused by the store (one per team).
            teams = await uow.teams.some(team_ids)
            pulses = await uow.rounds.counts(team_ids, kind=RoundKind.PULSE)
            logs = await uow.hacks.of_teams(team_ids, now - HACK_MEMORY, now)
            results: list[tuple[Team, Round] | Exception] = []
            for pending in batch:
                try:
                    results.append(await self._round(uow, pending.item, teams, pulses, logs))
                except TryghedError as refusal:
                    results.append(refusal)
            # Every table's rows of every round in one statement: the batch costs about as
            # many statements as one open.
            new = [(r, o) for r, o in zip(results, batch, strict=True) if isinstance(r, tuple)]
            added = await uow.rounds.add_all([(r[1], o.item.salt) for r, o in new])
            stored = [(team, round_, o.item) for (team, round_), o in new if round_.id in added]
            await uow.answers.prepare_all({r.id: r.statement_ids for _t, r, _o in stored})
            await uow.participation.admit_all(
                {
                    r.id: [participant_key(self._secret_key, o.salt, m) for m in o.members]
                    for _t, r, o in stored
                }
            )
            await uow.rosters.add_all(
                {
                    r.id: [
                        roster_key(self._secret_key, t.channel.workspace_id, m) for m in o.members
                    ]
                    for t, r, o in stored
                }
            )
            await uow.commit()
        return [
            RoundAlreadyOpen() if isinstance(r, tuple) and r[1].id not in added else r
            for r in results
        ]

    async def _round(
        self,
        uow: UnitOfWork,
        opening: Opening,
        teams: Mapping[str, Team],
        pulses: Mapping[str, int],
        logs: Mapping[str, Sequence[HackLogEntry]],
    ) -> tuple[Team, Round]:
        """The round `opening` asks for, or why the team cannot have one."""
        team = teams.get(opening.team_id)
        if team is None:
            raise TeamNotSetUp()
        check_openable(team)
        if opening.due_by is not None and schedule(team) != schedule(opening.due_by):
            raise ScheduleChanged()
        statement_ids = statements_for_round(
            self._content,
            kind=opening.kind,
            pulses_so_far=pulses[team.id],
            offset=rotation_offset(team.id),
        )
        asked = await self._hack_to_ask_about(uow, team.id, logs[team.id])
        if asked is not None:
            statement_ids += (helped_item(asked),)
        return team, Round(
            id=uuid.uuid4().hex,
            team_id=team.id,
            kind=opening.kind,
            statement_ids=statement_ids,
            opened_at=opening.at,
            closes_at=opening.at + timedelta(hours=team.settings.round_hours),
            channel_size=len(opening.members),
            min_respondents=team.settings.min_respondents,
        )

    async def _hack_to_ask_about(
        self, uow: UnitOfWork, team_id: str, log: Sequence[HackLogEntry]
    ) -> str | None:
        """The hack the team marked done since its latest round: the round now opening asks
        whether it helped (hack_effect.py)."""
        done = read_cycle(log).last_done
        if done is None or done.done_at is None:
            return None
        if not any(h.id == done.hack_id for h in self._content.hacks):
            return None
        latest = await uow.rounds.closed(team_id, limit=1)
        if latest and latest[0].opened_at >= done.done_at:
            return None
        return done.hack_id

    async def _store_posted(self, batch: Sequence[Pending[_Posted]]) -> list[Exception | None]:
        async with self._uow() as uow:
            await uow.rounds.set_message_refs({p.item.round_id: p.item.message_ref for p in batch})
            for pending in batch:
                if pending.item.settle is not None:
                    await pending.item.settle(uow)
            await uow.commit()
        return [None] * len(batch)


async def ready_ballot(
    uow: UnitOfWork,
    team: Team,
    round_: Round,
    *,
    secret_key: bytes,
    salt: bytes,
    members: Sequence[str],
    restarted: bool,
) -> None:
    """Empty counts and the members who may answer, in the open-round store; the roster the
    overlap rule compares with other teams' (surveys/overlap.py), replacing the one a
    `restarted` round had."""
    await uow.answers.prepare(round_.id, round_.statement_ids)
    await uow.participation.admit(
        round_.id, [participant_key(secret_key, salt, m) for m in members]
    )
    workspace = team.channel.workspace_id
    await uow.rosters.add(
        round_.id,
        [roster_key(secret_key, workspace, m) for m in members],
        replacing=restarted,
    )


def schedule(team: Team) -> tuple[object, ...]:
    """What decides when a team's rounds are due (surveys/schedule.py)."""
    settings = team.settings
    return (
        team.created_at,
        settings.cadence,
        settings.weekday,
        settings.local_time,
        settings.timezone,
    )


def check_openable(team: Team) -> None:
    """Refuse a round to a team switched off or paused."""
    if not team.active:
        raise TeamInactive()
    if team.paused:
        raise TeamPaused()
