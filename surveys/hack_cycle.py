"""One hack at a time, held on to: the current hack until it is done, then a follow-up, then
a new one (the seed's step 4, "Vi holder fast"), all read from the team's hack log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from content.schema import Audience, ContentPack, Hack, PillarKey
from surveys.anonymity import RoundResult, RoundSummary
from surveys.hack_choice import NO_REPEAT, HackReason, HackSuggestion, keep_hack, new_hack
from surveys.hack_log import HackEvent, HackLogEntry

# "About three weeks" after a hack is done, the next summary asks whether it became a habit;
# a day's slack, so that a weekly round closing a little earlier in the day still counts.
FOLLOW_UP_AFTER = timedelta(days=20)
# How far back the hack log is read for the team's hacks (retention may keep less).
HACK_MEMORY = timedelta(days=3 * 365)
# Events at the same moment are read in the order they can only have happened in.
EVENT_ORDER = (HackEvent.SUGGESTED, HackEvent.STARTED, HackEvent.DONE, HackEvent.FOLLOWED_UP)


@dataclass(frozen=True, slots=True)
class HackPeriod:
    """A hack the team took up: when, and when it said it was done, or when another hack
    took its place before that (neither: it is the current hack)."""

    hack_id: str
    started_at: datetime
    done_at: datetime | None = None
    followed_up: bool = False
    set_aside_at: datetime | None = None

    @property
    def is_current(self) -> bool:
        """Neither done nor set aside."""
        return self.done_at is None and self.set_aside_at is None


@dataclass(frozen=True, slots=True)
class HackCycle:
    """Where a team stands with its hacks."""

    periods: tuple[HackPeriod, ...]  # oldest first

    @property
    def current(self) -> HackPeriod | None:
        """The hack taken up and not yet done, if any."""
        last = self.periods[-1] if self.periods else None
        return last if last is not None and last.is_current else None

    @property
    def last_done(self) -> HackPeriod | None:
        """The latest hack done, if no other was taken up since."""
        last = self.periods[-1] if self.periods else None
        return last if last is not None and last.done_at is not None else None

    @property
    def recent(self) -> list[str]:
        """The team's latest distinct hacks, newest first (not suggested again soon)."""
        seen: list[str] = []
        for period in reversed(self.periods):
            if period.hack_id not in seen:
                seen.append(period.hack_id)
        return seen[:NO_REPEAT]


def read_cycle(events: Sequence[HackLogEntry]) -> HackCycle:
    """The team's hack periods from its log (any order)."""
    ordered = sorted(events, key=lambda e: (e.at, EVENT_ORDER.index(e.event)))
    periods: list[HackPeriod] = []
    for event in ordered:
        last = periods[-1] if periods else None
        if event.event in (HackEvent.SUGGESTED, HackEvent.STARTED):
            # Taking up the hack the team is on changes nothing; another hack replaces it.
            if last is None or last.hack_id != event.hack_id or last.done_at is not None:
                if last is not None and last.is_current:
                    periods[-1] = replace(last, set_aside_at=event.at)
                periods.append(HackPeriod(hack_id=event.hack_id, started_at=event.at))
        elif event.event is HackEvent.DONE:
            if last is not None and last.hack_id == event.hack_id and last.is_current:
                periods[-1] = replace(last, done_at=event.at)
            elif last is None or not last.is_current:
                # Done without having been taken up here (an old card's button): a period
                # of its own, done at once. While another hack is current, that one stays.
                periods.append(HackPeriod(event.hack_id, event.at, done_at=event.at))
        elif last is not None and last.hack_id == event.hack_id and last.done_at is not None:
            periods[-1] = replace(last, followed_up=True)
    return HackCycle(periods=tuple(periods))


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A done hack's follow-up: has it become a habit?"""

    hack: Hack
    done_at: datetime


@dataclass(frozen=True, slots=True)
class HackStep:
    """What a round's summary says about hacks: the current or a new hack (`suggestion`), or
    the follow-up of a done one, or that the team is repeating a done one meanwhile."""

    suggestion: HackSuggestion | None = None
    follow_up: FollowUp | None = None
    repeating: Hack | None = None

    @property
    def is_new(self) -> bool:
        """Whether the summary suggests a new hack (the team's current one from now on)."""
        return self.suggestion is not None and self.suggestion.reason is not HackReason.KEEP


def next_step(
    content: ContentPack,
    cycle: HackCycle,
    result: RoundResult,
    *,
    now: datetime,
    audience: Audience = Audience.TEAM,
) -> HackStep:
    """The hack part of a closed round's summary."""
    current = cycle.current
    if current is not None and _known(content, current.hack_id):
        return HackStep(suggestion=keep_hack(content.hack(current.hack_id), result))
    done = cycle.last_done
    if (
        done is not None
        and done.done_at is not None
        and not done.followed_up
        and _known(content, done.hack_id)
    ):
        hack = content.hack(done.hack_id)
        if now - done.done_at >= FOLLOW_UP_AFTER:
            return HackStep(follow_up=FollowUp(hack=hack, done_at=done.done_at))
        return HackStep(repeating=hack)
    return HackStep(suggestion=new_hack(content, result, recent=cycle.recent, audience=audience))


@dataclass(frozen=True, slots=True)
class BeforeAfter:
    """A hack's pillar in the last shown round before it was taken up and in the latest."""

    pillar: PillarKey
    before: float
    after: float


def before_after(
    period: HackPeriod, pillar: PillarKey, rounds: Sequence[tuple[datetime, RoundResult]]
) -> BeforeAfter | None:
    """From (opened at, result) pairs, oldest first; only rounds that passed the gate count,
    and only a round opened after the hack was taken up is an "after"."""
    before = after = None
    for opened_at, result in rounds:
        if not isinstance(result, RoundSummary) or pillar not in result.pillars:
            continue
        score = result.pillars[pillar].score.score
        if opened_at < period.started_at:
            before = score
        else:
            after = score
    if before is None or after is None:
        return None
    return BeforeAfter(pillar=pillar, before=before, after=after)


def _known(content: ContentPack, hack_id: str) -> bool:
    """A hack of an earlier content pack has no card now: the cycle moves past it."""
    return any(h.id == hack_id for h in content.hacks)
