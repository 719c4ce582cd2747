"""In-memory implementations of the storage ports, held to the same contract as SQL storage."""

from __future__ import annotations

import copy
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Self

from surveys.addresses import ChannelAddress
from surveys.ballot import Ballot, Entry, Participant
from surveys.claims import Act, Claim, ClaimStatus
from surveys.errors import RoundAlreadyOpen
from surveys.hack_log import HackEvent, HackLogEntry
from surveys.overlap import SAME_PERIOD, Roster
from surveys.ports import RowLock
from surveys.prediction import Prediction
from surveys.retention import hack_event_expired, round_expired
from surveys.rounds import SCALE, Round, RoundKind
from surveys.scoring import Histogram
from surveys.team import ChannelRef, Team


@dataclass
class MemoryState:
    """Everything stored, as plain dictionaries."""

    teams: dict[str, Team] = field(default_factory=dict)
    rounds: dict[str, Round] = field(default_factory=dict)
    salts: dict[str, bytes] = field(default_factory=dict)
    counts: dict[tuple[str, str, int], int] = field(default_factory=dict)
    open_counts: dict[tuple[str, str, int], int] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)
    participation: dict[str, set[str]] = field(default_factory=dict)
    viewers: dict[str, set[str]] = field(default_factory=dict)
    hack_log: list[HackLogEntry] = field(default_factory=list)
    claims: dict[tuple[str, Act, datetime], tuple[ClaimStatus, datetime]] = field(
        default_factory=dict
    )
    addresses: dict[ChannelRef, ChannelAddress] = field(default_factory=dict)
    rosters: dict[str, frozenset[str]] = field(default_factory=dict)
    overlap_withheld: set[str] = field(default_factory=set)
    predictions: dict[tuple[str, str], Prediction] = field(default_factory=dict)


class MemoryTeams:
    """Teams in a dictionary."""

    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add(self, team: Team) -> None:
        self._s.teams[team.id] = team

    async def update(self, team: Team) -> None:
        self._s.teams[team.id] = team

    async def get(self, team_id: str) -> Team | None:
        return self._s.teams.get(team_id)

    async def some(self, team_ids: Collection[str]) -> dict[str, Team]:
        return {t: self._s.teams[t] for t in team_ids if t in self._s.teams}

    async def trend_stamp(self, team_id: str) -> Hashable | None:
        team = self._s.teams.get(team_id)
        if team is None:
            return None
        closed = [r.closed_at for r in self._s.rounds.values() if r.team_id == team_id]
        closed_at = [at for at in closed if at is not None]
        hacks = [e.at for e in self._s.hack_log if e.team_id == team_id]
        return (
            team.settings.min_respondents,
            len(closed_at),
            max(closed_at, default=None),
            len(hacks),
            max(hacks, default=None),
        )

    async def by_channel(self, channel: ChannelRef) -> Team | None:
        return next((t for t in self._s.teams.values() if t.channel == channel), None)

    async def all(self) -> list[Team]:
        return sorted(self._s.teams.values(), key=lambda t: t.created_at)

    async def remove(self, team_id: str) -> None:
        # What the foreign keys cascade to in SQL.
        if self._s.teams.pop(team_id, None) is None:
            return
        rounds = MemoryRounds(self._s)
        for round_id in [r.id for r in self._s.rounds.values() if r.team_id == team_id]:
            await rounds.discard(round_id)
        self._s.hack_log = [e for e in self._s.hack_log if e.team_id != team_id]
        self._s.claims = {k: v for k, v in self._s.claims.items() if k[0] != team_id}


class MemoryRounds:
    """Rounds and salts in dictionaries."""

    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add(self, round_: Round, *, salt: bytes) -> None:
        if any(r.team_id == round_.team_id and r.is_open for r in self._s.rounds.values()):
            raise RoundAlreadyOpen()
        self._s.rounds[round_.id] = round_
        self._s.salts[round_.id] = salt

    async def add_all(self, rounds: Sequence[tuple[Round, bytes]]) -> set[str]:
        added = set()
        for round_, salt in rounds:
            try:
                await self.add(round_, salt=salt)
            except RoundAlreadyOpen:
                continue
            added.add(round_.id)
        return added

    async def get(self, round_id: str, *, lock: RowLock | None = None) -> Round | None:
        return self._s.rounds.get(round_id)

    async def ballots(self, round_ids: Collection[str], *, lock: bool = True) -> dict[str, Ballot]:
        found = {round_id: self._ballot(round_id) for round_id in round_ids}
        return {round_id: ballot for round_id, ballot in found.items() if ballot is not None}

    def _ballot(self, round_id: str) -> Ballot | None:
        round_ = self._s.rounds.get(round_id)
        team = self._s.teams.get(round_.team_id) if round_ else None
        if round_ is None or team is None:
            return None
        respondents = len(self._s.participation.get(round_id, ()))
        return Ballot(round_, team, self._s.salts.get(round_id), respondents)

    async def open_for_team(self, team_id: str) -> Round | None:
        return next(
            (r for r in self._s.rounds.values() if r.team_id == team_id and r.is_open), None
        )

    async def discard(self, round_id: str) -> None:
        self._s.rounds.pop(round_id, None)
        for key in [k for k in self._s.counts if k[0] == round_id]:
            del self._s.counts[key]
        self._forget_open(round_id)
        self._s.rosters.pop(round_id, None)
        self._s.overlap_withheld.discard(round_id)
        for held in [k for k in self._s.predictions if k[0] == round_id]:
            del self._s.predictions[held]

    def _forget_open(self, round_id: str) -> None:
        self._s.salts.pop(round_id, None)
        for key in [k for k in self._s.open_counts if k[0] == round_id]:
            del self._s.open_counts[key]
        for held in (self._s.members, self._s.participation, self._s.viewers):
            held.pop(round_id, None)

    async def lost(self) -> list[Round]:
        return [r for r in self._s.rounds.values() if r.is_open and r.id not in self._s.salts]

    async def restart(self, round_id: str, *, salt: bytes, at: datetime) -> None:
        self._forget_open(round_id)
        self._s.rounds[round_id] = replace(
            self._s.rounds[round_id], restarted_at=at, reminded=False
        )
        self._s.salts[round_id] = salt

    async def all_open(self) -> list[Round]:
        return [r for r in self._s.rounds.values() if r.is_open]

    async def set_message_refs(self, refs: Mapping[str, str]) -> None:
        for round_id, message_ref in refs.items():
            self._s.rounds[round_id] = replace(self._s.rounds[round_id], message_ref=message_ref)

    async def mark_reminded(self, round_id: str) -> None:
        self._s.rounds[round_id] = replace(self._s.rounds[round_id], reminded=True)

    async def salt(self, round_id: str) -> bytes | None:
        return self._s.salts.get(round_id)

    async def close(
        self, round_id: str, *, closed_at: datetime, respondents: int, eligible: int
    ) -> None:
        self._s.rounds[round_id] = replace(
            self._s.rounds[round_id],
            closed_at=closed_at,
            respondents=respondents,
            eligible_respondents=eligible,
        )
        self._s.salts.pop(round_id, None)

    async def closed(
        self, team_id: str, *, limit: int, before: datetime | None = None
    ) -> list[Round]:
        rounds = [
            r
            for r in self._s.rounds.values()
            if r.team_id == team_id and not r.is_open and (before is None or r.opened_at < before)
        ]
        return sorted(rounds, key=lambda r: r.opened_at, reverse=True)[:limit]

    async def counts(self, team_ids: Collection[str], *, kind: RoundKind) -> dict[str, int]:
        return {
            t: sum(1 for r in self._s.rounds.values() if r.team_id == t and r.kind is kind)
            for t in team_ids
        }

    async def remove_closed_before(self, team_id: str, before: datetime) -> int:
        doomed = [
            r.id
            for r in self._s.rounds.values()
            if r.team_id == team_id and round_expired(r, before)
        ]
        for round_id in doomed:
            await self.discard(round_id)
        return len(doomed)


class MemoryAnswers:
    """Answer counts keyed by (round, statement, value)."""

    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def prepare(self, round_id: str, statement_ids: Sequence[str]) -> None:
        for statement_id in statement_ids:
            for value in SCALE:
                self._s.open_counts[(round_id, statement_id, value)] = 0

    async def prepare_all(self, rounds: Mapping[str, Sequence[str]]) -> None:
        for round_id, statement_ids in rounds.items():
            await self.prepare(round_id, statement_ids)

    async def add(self, answers: Sequence[tuple[str, Sequence[tuple[str, int]]]]) -> None:
        for round_id, chosen in answers:
            for statement_id, value in set(chosen):
                if (round_id, statement_id, value) in self._s.open_counts:
                    self._s.open_counts[(round_id, statement_id, value)] += 1

    async def seal(self, round_id: str) -> None:
        for key in [k for k in self._s.open_counts if k[0] == round_id]:
            self._s.counts[key] = self._s.open_counts.pop(key)

    async def discard(self, round_id: str) -> None:
        for key in [k for k in self._s.open_counts if k[0] == round_id]:
            del self._s.open_counts[key]

    async def histograms(self, round_ids: Collection[str]) -> dict[str, dict[str, Histogram]]:
        result: dict[str, dict[str, list[int]]] = {}
        for (round_id, statement_id, value), count in self._s.counts.items():
            if round_id in round_ids and count > 0:
                counts = result.setdefault(round_id, {}).setdefault(statement_id, [0] * 5)
                counts[value - 1] = count
        return {
            r: {s: (c[0], c[1], c[2], c[3], c[4]) for s, c in statements.items()}
            for r, statements in result.items()
        }


class MemoryParticipation:
    """Participation hashes in sets."""

    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def admit(self, round_id: str, members: Collection[str]) -> None:
        self._s.members.setdefault(round_id, set()).update(members)

    async def admit_all(self, rounds: Mapping[str, Collection[str]]) -> None:
        for round_id, members in rounds.items():
            await self.admit(round_id, members)

    async def enter(self, participants: Sequence[Participant]) -> list[Entry]:
        return [self._enter(p) for p in participants]

    def _enter(self, participant: Participant) -> Entry:
        round_id, key = participant.round_id, participant.key
        members = self._s.members.get(round_id)
        seen = self._s.participation.setdefault(round_id, set())
        if key in seen:
            return Entry.ALREADY_ANSWERED
        if members and key not in members:
            return Entry.NOT_A_MEMBER
        seen.add(key)
        if participant.viewer:
            self._s.viewers.setdefault(round_id, set()).add(key)
        return Entry.COUNTED

    async def count(self, round_id: str) -> int:
        return len(self._s.participation.get(round_id, ()))

    async def viewers(self, round_id: str) -> int:
        return len(self._s.viewers.get(round_id, ()))

    async def among(self, round_id: str, participants: Collection[str]) -> set[str]:
        return self._s.participation.get(round_id, set()) & set(participants)

    async def forget(self, round_id: str) -> None:
        for held in (self._s.members, self._s.participation, self._s.viewers):
            held.pop(round_id, None)


class MemoryHackLog:
    """The hack log in a list."""

    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add(self, entry: HackLogEntry) -> None:
        self._s.hack_log.append(entry)

    async def recent(self, team_id: str, *, event: HackEvent, limit: int) -> list[HackLogEntry]:
        entries = [e for e in self._s.hack_log if e.team_id == team_id and e.event is event]
        return sorted(entries, key=lambda e: e.at, reverse=True)[:limit]

    async def between(self, team_id: str, start: datetime, end: datetime) -> list[HackLogEntry]:
        entries = [e for e in self._s.hack_log if e.team_id == team_id and start <= e.at <= end]
        return sorted(entries, key=lambda e: e.at)

    async def of_teams(
        self, team_ids: Collection[str], start: datetime, end: datetime
    ) -> dict[str, list[HackLogEntry]]:
        return {t: await self.between(t, start, end) for t in team_ids}

    async def remove_before(self, team_id: str, before: datetime) -> int:
        kept = [
            e
            for e in self._s.hack_log
            if not (e.team_id == team_id and hack_event_expired(e, before))
        ]
        removed = len(self._s.hack_log) - len(kept)
        self._s.hack_log = kept
        return removed


class MemoryClaims:
    """Claims in a dictionary: (status, when it last changed) by (team, act, slot)."""

    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def claim(
        self,
        team_id: str,
        act: Act,
        slot: datetime,
        *,
        at: datetime,
        status: ClaimStatus = ClaimStatus.CLAIMED,
    ) -> bool:
        if (team_id, act, slot) in self._s.claims:
            return False
        self._s.claims[(team_id, act, slot)] = (status, at)
        return True

    async def claim_all(self, claims: Sequence[Claim]) -> list[bool]:
        return [
            await self.claim(c.team_id, c.act, c.slot, at=c.at, status=c.status) for c in claims
        ]

    async def set_status(
        self, team_id: str, act: Act, slot: datetime, status: ClaimStatus, *, at: datetime
    ) -> None:
        if (team_id, act, slot) in self._s.claims:
            self._s.claims[(team_id, act, slot)] = (status, at)

    async def status(self, team_id: str, act: Act, slot: datetime) -> ClaimStatus | None:
        found = self._s.claims.get((team_id, act, slot))
        return found[0] if found else None

    async def take_over(
        self, team_id: str, act: Act, slot: datetime, *, at: datetime, stale_before: datetime
    ) -> bool:
        found = self._s.claims.get((team_id, act, slot))
        if found is None or found[0] not in (ClaimStatus.CLAIMED, ClaimStatus.SENDING):
            return False
        if found[1] >= stale_before:
            return False
        self._s.claims[(team_id, act, slot)] = (ClaimStatus.CLAIMED, at)
        return True

    async def retry_failed(
        self, team_id: str, act: Act, slot: datetime, *, at: datetime, failed_before: datetime
    ) -> bool:
        found = self._s.claims.get((team_id, act, slot))
        if found is None or found[0] is not ClaimStatus.FAILED or found[1] >= failed_before:
            return False
        self._s.claims[(team_id, act, slot)] = (ClaimStatus.CLAIMED, at)
        return True

    async def remove_before(self, team_id: str, before: datetime, *, act: Act | None = None) -> int:
        doomed = [
            key
            for key in self._s.claims
            if key[0] == team_id and key[2] < before and (act is None or key[1] is act)
        ]
        for key in doomed:
            del self._s.claims[key]
        return len(doomed)


class MemoryChannelAddresses:
    """Channel addresses in a dictionary."""

    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def save(self, address: ChannelAddress) -> None:
        self._s.addresses[address.channel] = address

    async def get(self, channel: ChannelRef) -> ChannelAddress | None:
        return self._s.addresses.get(channel)

    async def in_group(
        self, platform: str, workspace_id: str, group_id: str
    ) -> list[ChannelAddress]:
        found = [
            a
            for a in self._s.addresses.values()
            if (a.channel.platform, a.channel.workspace_id, a.group_id)
            == (platform, workspace_id, group_id)
        ]
        return sorted(found, key=lambda a: (a.name, a.channel.channel_id))

    async def remove(self, channel: ChannelRef) -> None:
        self._s.addresses.pop(channel, None)

    async def remove_group(self, platform: str, workspace_id: str, group_id: str) -> int:
        doomed = await self.in_group(platform, workspace_id, group_id)
        for address in doomed:
            del self._s.addresses[address.channel]
        return len(doomed)


class MemoryRosters:
    """Rosters and the overlap rule's verdicts in a dictionary and a set."""

    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add(
        self, round_id: str, members: Collection[str], *, replacing: bool = False
    ) -> None:
        if members:
            self._s.rosters[round_id] = frozenset(members)
        else:  # as in SQL: no rows, no roster
            self._s.rosters.pop(round_id, None)

    async def add_all(self, rounds: Mapping[str, Collection[str]]) -> None:
        for round_id, members in rounds.items():
            await self.add(round_id, members)

    async def in_period(
        self, platform: str, workspace_id: str, *, start: datetime, end: datetime
    ) -> dict[str, Roster]:
        found = {}
        for round_id, members in self._s.rosters.items():
            round_ = self._s.rounds[round_id]
            team = self._s.teams[round_.team_id]
            if (team.channel.platform, team.channel.workspace_id) != (platform, workspace_id):
                continue
            if not start <= round_.opened_at <= end:
                continue
            k_now = team.settings.min_respondents
            found[round_id] = Roster(
                round_id=round_id,
                team_id=team.id,
                opened_at=round_.opened_at,
                members=members,
                min_respondents=max(round_.min_respondents or k_now, k_now),
            )
        return found

    async def withhold(self, round_id: str) -> None:
        self._s.overlap_withheld.add(round_id)

    async def withheld(self, round_ids: Collection[str]) -> set[str]:
        return self._s.overlap_withheld & set(round_ids)

    async def remove_before(self, team_id: str, before: datetime) -> int:
        team = self._s.teams.get(team_id)
        if team is None:
            return 0
        still_open = [
            r.opened_at
            for r in self._s.rounds.values()
            if r.is_open and _same_workspace(self._s.teams[r.team_id], team)
        ]
        if still_open:
            before = min(before, min(still_open) - SAME_PERIOD)
        doomed = [
            round_id
            for round_id in self._s.rosters
            if (r := self._s.rounds[round_id]).team_id == team_id
            and not r.is_open
            and r.opened_at < before
        ]
        for round_id in doomed:
            del self._s.rosters[round_id]
        return len(doomed)


def _same_workspace(one: Team, other: Team) -> bool:
    return (one.channel.platform, one.channel.workspace_id) == (
        other.channel.platform,
        other.channel.workspace_id,
    )


class MemoryPredictions:
    """Predictions keyed by (round, leader)."""

    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def save(self, prediction: Prediction) -> None:
        if prediction.round_id not in self._s.rounds:
            raise KeyError(prediction.round_id)  # what the foreign key refuses in SQL
        self._s.predictions[(prediction.round_id, prediction.leader_id)] = prediction

    async def of_leader(self, round_id: str, leader_id: str) -> Prediction | None:
        return self._s.predictions.get((round_id, leader_id))

    async def for_round(self, round_id: str) -> list[Prediction]:
        found = [p for (r, _), p in self._s.predictions.items() if r == round_id]
        return sorted(found, key=lambda p: p.leader_id)

    async def remove_team(self, team_id: str) -> int:
        doomed = [k for k, p in self._s.predictions.items() if p.team_id == team_id]
        for key in doomed:
            del self._s.predictions[key]
        return len(doomed)


class MemoryUnitOfWork:
    """Works on a copy of the state; commit publishes it, anything else discards it."""

    def __init__(self, storage: MemoryStorage) -> None:
        self._storage = storage

    async def __aenter__(self) -> Self:
        self._work = copy.deepcopy(self._storage.state)
        self.teams = MemoryTeams(self._work)
        self.rounds = MemoryRounds(self._work)
        self.answers = MemoryAnswers(self._work)
        self.participation = MemoryParticipation(self._work)
        self.hacks = MemoryHackLog(self._work)
        self.claims = MemoryClaims(self._work)
        self.addresses = MemoryChannelAddresses(self._work)
        self.rosters = MemoryRosters(self._work)
        self.predictions = MemoryPredictions(self._work)
        return self

    async def commit(self) -> None:
        self._storage.state = copy.deepcopy(self._work)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


class MemoryStorage:
    """A factory of in-memory units of work over one shared state."""

    def __init__(self) -> None:
        self.state = MemoryState()

    def __call__(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)
