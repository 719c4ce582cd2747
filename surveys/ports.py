"""The ports the domain needs: repositories in one unit of work, a clock and a chat gateway."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Literal, Protocol, Self

from content.schema import Hack
from surveys.addresses import ChannelAddress
from surveys.announcements import PrivateNote, PulseStatus, RoundOutcome
from surveys.ballot import Ballot, Entry, Participant
from surveys.claims import Act, Claim, ClaimStatus
from surveys.hack_log import HackEvent, HackLogEntry
from surveys.overlap import Roster
from surveys.prediction import Prediction
from surveys.rounds import Round, RoundKind
from surveys.scoring import Histogram
from surveys.team import ChannelRef, Team

RowLock = Literal["share", "update"]


class TeamRepository(Protocol):
    """Teams and their settings."""

    async def add(self, team: Team) -> None:
        """Store a new team."""

    async def update(self, team: Team) -> None:
        """Store new settings or the paused flag of an existing team."""

    async def get(self, team_id: str) -> Team | None:
        """The team with `team_id`."""

    async def some(self, team_ids: Collection[str]) -> dict[str, Team]:
        """The teams with these ids, by id, in one read; missing ones are left out."""

    async def by_channel(self, channel: ChannelRef) -> Team | None:
        """The team living in `channel`."""

    async def all(self) -> list[Team]:
        """Every team, paused or not."""

    async def trend_stamp(self, team_id: str) -> Hashable | None:
        """What the team's trend is made of, summed up in one cheap read that changes whenever
        the trend may (its k, its closed rounds, its hack log); None when there is no team."""

    async def remove(self, team_id: str) -> None:
        """Delete a team with everything of it: rounds, counts, participation, hack log, claims."""


class RoundRepository(Protocol):
    """Rounds and their per-round salt."""

    async def add(self, round_: Round, *, salt: bytes) -> None:
        """Store a new open round; raises RoundAlreadyOpen if the team has one."""

    async def add_all(self, rounds: Sequence[tuple[Round, bytes]]) -> set[str]:
        """Store new open rounds, each with its salt, at once; the ids of those stored (a
        round of a team that has one open, also one of these, is left out)."""

    async def get(self, round_id: str, *, lock: RowLock | None = None) -> Round | None:
        """The round, optionally locked for the rest of the unit of work."""

    async def ballots(self, round_ids: Collection[str], *, lock: bool = True) -> dict[str, Ballot]:
        """What answers to these rounds need, in one read: each round (given `lock`, locked
        against a close, shared, for the rest of the unit of work), its team, its salt and
        how many have answered; rounds that do not exist are left out."""

    async def open_for_team(self, team_id: str) -> Round | None:
        """The team's open round, if any."""

    async def all_open(self) -> list[Round]:
        """Every open round, of every team."""

    async def discard(self, round_id: str) -> None:
        """Delete a round that never reached anyone, with its salt and counts."""

    async def set_message_refs(self, refs: Mapping[str, str]) -> None:
        """Remember where each round's pulse message was posted (message refs by round id)."""

    async def mark_reminded(self, round_id: str) -> None:
        """Record that the round's one reminder went out."""

    async def salt(self, round_id: str) -> bytes | None:
        """The salt of an open round (None once closed, or lost with the open-round store)."""

    async def lost(self) -> list[Round]:
        """Open rounds whose salt is gone: the open-round store was lost (a database crash)."""

    async def restart(self, round_id: str, *, salt: bytes, at: datetime) -> None:
        """Give a lost round a new salt, empty its open-round data, record when it restarted."""

    async def close(
        self, round_id: str, *, closed_at: datetime, respondents: int, eligible: int
    ) -> None:
        """Close the round and destroy its salt."""

    async def closed(
        self, team_id: str, *, limit: int, before: datetime | None = None
    ) -> list[Round]:
        """The team's closed rounds, newest first."""

    async def counts(self, team_ids: Collection[str], *, kind: RoundKind) -> dict[str, int]:
        """How many rounds of `kind` each of the teams has had, in one read."""

    async def remove_closed_before(self, team_id: str, before: datetime) -> int:
        """Delete the team's rounds closed before `before`, with their counts; how many."""


class AnswerRepository(Protocol):
    """Answers, kept only as counts per (round, statement, value): an open round's in the
    open-round store, which nothing durable sees; a closed round's written once, at close."""

    async def prepare(self, round_id: str, statement_ids: Sequence[str]) -> None:
        """Create zero counts for every statement and value of a new round."""

    async def prepare_all(self, rounds: Mapping[str, Sequence[str]]) -> None:
        """`prepare` for several new rounds (statement ids by round id) at once."""

    async def add(self, answers: Sequence[tuple[str, Sequence[tuple[str, int]]]]) -> None:
        """Count answers in open rounds: each is a round id and one person's (statement id,
        value) pairs; every count of each round is rewritten, so none stands out."""

    async def seal(self, round_id: str) -> None:
        """Move a closing round's counts, as one aggregate, into the durable counts."""

    async def discard(self, round_id: str) -> None:
        """Forget an open round's running counts (a round that can never be shown)."""

    async def histograms(self, round_ids: Collection[str]) -> dict[str, dict[str, Histogram]]:
        """The counts of each closed round, per statement that got answers (others left out)."""


class ParticipationRepository(Protocol):
    """Who may answer an open round and who has, as keyed hashes only."""

    async def admit_all(self, rounds: Mapping[str, Collection[str]]) -> None:
        """`admit` for several new rounds (members by round id) at once."""

    async def admit(self, round_id: str, members: Collection[str]) -> None:
        """Record who may answer the round: the channel's members when it opened."""

    async def enter(self, participants: Sequence[Participant]) -> list[Entry]:
        """Record participants, each unless they answered already (also earlier in the same
        call) or were not a member when the round opened (a round opened before members were
        kept: anyone may answer); what each came to, in order."""

    async def count(self, round_id: str) -> int:
        """How many have answered."""

    async def viewers(self, round_id: str) -> int:
        """How many of those who answered see results as leaders or facilitators."""

    async def among(self, round_id: str, participants: Collection[str]) -> set[str]:
        """Which of `participants` have answered."""

    async def forget(self, round_id: str) -> None:
        """Delete every member and participation record of the round."""


class HackLogRepository(Protocol):
    """The hack log."""

    async def add(self, entry: HackLogEntry) -> None:
        """Append an event."""

    async def recent(self, team_id: str, *, event: HackEvent, limit: int) -> list[HackLogEntry]:
        """The team's latest events of one kind, newest first."""

    async def between(self, team_id: str, start: datetime, end: datetime) -> list[HackLogEntry]:
        """The team's events in [start, end], oldest first."""

    async def of_teams(
        self, team_ids: Collection[str], start: datetime, end: datetime
    ) -> dict[str, list[HackLogEntry]]:
        """Each of the teams' events in [start, end], oldest first, in one read."""

    async def remove_before(self, team_id: str, before: datetime) -> int:
        """Delete the team's events dated before `before`; how many."""


class ClaimRepository(Protocol):
    """Claims on scheduled acts; `at` is when the caller acts (it dates the claim)."""

    async def claim(
        self,
        team_id: str,
        act: Act,
        slot: datetime,
        *,
        at: datetime,
        status: ClaimStatus = ClaimStatus.CLAIMED,
    ) -> bool:
        """Claim (team, act, slot), in `status`; True only for the one caller that gets it."""

    async def claim_all(self, claims: Sequence[Claim]) -> list[bool]:
        """`claim` for each of several claims, in one statement; whether each was won."""

    async def set_status(
        self, team_id: str, act: Act, slot: datetime, status: ClaimStatus, *, at: datetime
    ) -> None:
        """Move a claim on."""

    async def status(self, team_id: str, act: Act, slot: datetime) -> ClaimStatus | None:
        """Where a claim stands, if it exists."""

    async def take_over(
        self, team_id: str, act: Act, slot: datetime, *, at: datetime, stale_before: datetime
    ) -> bool:
        """Claim again an act left `claimed` or `sending` since before `stale_before` (its
        claimer died); True only for the one caller that gets it."""

    async def retry_failed(
        self, team_id: str, act: Act, slot: datetime, *, at: datetime, failed_before: datetime
    ) -> bool:
        """Claim again an act left `failed` since before `failed_before` (its back-off is
        over); True only for the one caller that gets it."""

    async def remove_before(self, team_id: str, before: datetime, *, act: Act | None = None) -> int:
        """Delete the team's claims on slots before `before` (of one act, or all); how many."""


class ChannelAddressRepository(Protocol):
    """Where the bot can post in channels it was added to (Teams' conversation references)."""

    async def save(self, address: ChannelAddress) -> None:
        """Store an address, replacing the channel's previous one."""

    async def get(self, channel: ChannelRef) -> ChannelAddress | None:
        """The channel's address, if the bot knows one."""

    async def in_group(
        self, platform: str, workspace_id: str, group_id: str
    ) -> list[ChannelAddress]:
        """The known channels of one group (a Teams team), by name."""

    async def remove(self, channel: ChannelRef) -> None:
        """Forget a channel (deleted, or the bot was removed)."""

    async def remove_group(self, platform: str, workspace_id: str, group_id: str) -> int:
        """Forget every channel of a group (the app was uninstalled); returns how many."""


class RosterRepository(Protocol):
    """Who was in each round's channel when it opened, as roster keys (anonymity.roster_key),
    for the overlap rule (surveys/overlap.py); and which rounds that rule withheld."""

    async def add(
        self, round_id: str, members: Collection[str], *, replacing: bool = False
    ) -> None:
        """Store the round's roster; `replacing` the one it had (a restarted round's)."""

    async def add_all(self, rounds: Mapping[str, Collection[str]]) -> None:
        """Store the rosters of several new rounds (members by round id) at once."""

    async def in_period(
        self, platform: str, workspace_id: str, *, start: datetime, end: datetime
    ) -> dict[str, Roster]:
        """The rosters of the workspace's rounds (open or closed, of every team) opened in
        [start, end], by round id; k is the larger of the round's k at open and its team's
        k now. A round with no roster (opened before rosters were kept) is left out."""

    async def withhold(self, round_id: str) -> None:
        """Record, for as long as the round is kept, that the overlap rule withheld it."""

    async def withheld(self, round_ids: Collection[str]) -> set[str]:
        """Which of the rounds the overlap rule withheld."""

    async def remove_before(self, team_id: str, before: datetime) -> int:
        """Delete the rosters of the team's closed rounds opened before `before`, except those
        a round still open in the workspace is compared with when it closes (opened at most
        overlap.SAME_PERIOD before it); how many rounds' rosters."""


class PredictionRepository(Protocol):
    """Leaders' private predictions: one per leader and round, kept with the leader's platform
    id (never logged, never shown to anyone else), gone with the round or the team."""

    async def save(self, prediction: Prediction) -> None:
        """Store a prediction, replacing the same leader's earlier one for the round."""

    async def of_leader(self, round_id: str, leader_id: str) -> Prediction | None:
        """The leader's prediction for the round, if any."""

    async def for_round(self, round_id: str) -> list[Prediction]:
        """Every leader's prediction for the round."""

    async def remove_team(self, team_id: str) -> int:
        """Delete every prediction of the team's rounds (the app was removed); how many."""


class UnitOfWork(Protocol):
    """One transaction over every repository; rolled back unless committed."""

    @property
    def teams(self) -> TeamRepository:
        """Teams."""

    @property
    def rounds(self) -> RoundRepository:
        """Rounds."""

    @property
    def answers(self) -> AnswerRepository:
        """Answer counts."""

    @property
    def participation(self) -> ParticipationRepository:
        """Participation hashes."""

    @property
    def hacks(self) -> HackLogRepository:
        """The hack log."""

    @property
    def claims(self) -> ClaimRepository:
        """Claims on scheduled acts."""

    @property
    def addresses(self) -> ChannelAddressRepository:
        """Channel addresses."""

    @property
    def rosters(self) -> RosterRepository:
        """Round rosters and the overlap rule's verdicts."""

    @property
    def predictions(self) -> PredictionRepository:
        """Leaders' private predictions."""

    async def commit(self) -> None:
        """Make the work durable."""

    async def __aenter__(self) -> Self:
        """Begin."""

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End, rolling back what was not committed."""


UnitOfWorkFactory = Callable[[], UnitOfWork]


class Clock(Protocol):
    """The time, injected so that tests and the demo can move it."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""


class ChatGateway(Protocol):
    """What the domain needs from a chat platform."""

    async def channel_members(self, team: Team) -> Sequence[str]:
        """The people in the team's channel (no bots)."""

    async def post_pulse(self, status: PulseStatus) -> str:
        """Post the pulse message; returns a reference for later updates."""

    async def update_pulse(self, status: PulseStatus, message_ref: str) -> None:
        """Update the pulse message's participation count."""

    async def post_outcome(self, outcome: RoundOutcome) -> None:
        """Post a closed round's summary and hack of the week in the channel."""

    async def send_private(self, team: Team, user_id: str, notice: PrivateNote) -> None:
        """Send one person a private note."""

    async def post_hack(self, team: Team, hack: Hack) -> str:
        """Post a hack card in the channel and open its discussion thread; returns the thread."""
