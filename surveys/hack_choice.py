"""Choosing the hack of the week: the weakest pillar or the sharpest drop, never a recent repeat."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from content.schema import Audience, ContentPack, Hack, PillarKey
from surveys.anonymity import RoundResult, RoundSummary
from surveys.errors import UnknownHack

NO_REPEAT_WINDOW = 6


class HackReason(StrEnum):
    """Why a hack was chosen."""

    DROP = "drop"
    WEAKEST = "weakest"
    ROTATION = "rotation"
    REQUESTED = "requested"


@dataclass(frozen=True, slots=True)
class HackSuggestion:
    """A hack, the pillar it targets and why it was picked."""

    hack: Hack
    pillar: PillarKey
    reason: HackReason


def hack_of_the_week(
    content: ContentPack,
    result: RoundResult,
    *,
    recent: Sequence[str],
    audience: Audience = Audience.TEAM,
) -> HackSuggestion:
    """The hack for a closed round; `recent` are the team's suggested hack ids, newest first."""
    if isinstance(result, RoundSummary) and result.pillars:
        drops = {
            k: r.change.delta for k, r in result.pillars.items() if r.change and r.change.notable
        }
        drops = {k: d for k, d in drops.items() if d < 0}
        by_score = sorted(result.pillars, key=lambda k: result.pillars[k].score.score)
        if drops:
            target = min(drops, key=lambda k: drops[k])
            order = [target, *(k for k in by_score if k != target)]
            reason = HackReason.DROP
        else:
            order, reason = by_score, HackReason.WEAKEST
    else:
        # Too few answers to know the weak spot: take the pillars in the order the house is
        # built (belonging first, as low participation can itself be a sign of avoidance),
        # skipping those the team worked on most recently.
        order, reason = _least_recently_targeted(content, recent), HackReason.ROTATION
    return _first_fresh(content, order, recent=recent, audience=audience, reason=reason)


def hack_for_pillar(
    content: ContentPack,
    pillar: PillarKey,
    *,
    recent: Sequence[str],
    audience: Audience = Audience.TEAM,
) -> HackSuggestion:
    """A hack a facilitator asked for by pillar: one the team has not had recently."""
    return _first_fresh(
        content, [pillar], recent=recent, audience=audience, reason=HackReason.REQUESTED
    )


def hack_by_id(content: ContentPack, hack_id: str) -> HackSuggestion:
    """The hack a facilitator asked for by id."""
    try:
        hack = content.hack(hack_id)
    except KeyError:
        raise UnknownHack(hack=hack_id) from None
    return HackSuggestion(hack=hack, pillar=hack.pillars[0], reason=HackReason.REQUESTED)


def _least_recently_targeted(content: ContentPack, recent: Sequence[str]) -> list[PillarKey]:
    last_seen: dict[PillarKey, int] = {}
    for age, hack_id in enumerate(recent):
        try:
            pillars = content.hack(hack_id).pillars
        except KeyError:
            continue  # a hack from an earlier content pack
        for pillar in pillars:
            last_seen.setdefault(pillar, age)
    never = len(recent) + 1
    house = list(PillarKey)
    return sorted(house, key=lambda p: (-last_seen.get(p, never), house.index(p)))


def _first_fresh(
    content: ContentPack,
    order: Sequence[PillarKey],
    *,
    recent: Sequence[str],
    audience: Audience,
    reason: HackReason,
) -> HackSuggestion:
    blocked = set(recent[:NO_REPEAT_WINDOW])
    for pillar in order:
        fresh = [h for h in content.hacks if pillar in h.pillars and h.id not in blocked]
        if fresh:
            return HackSuggestion(hack=_for_audience(fresh, audience), pillar=pillar, reason=reason)
    # Every hack on these pillars was suggested lately (a small pack): take the oldest one.
    pillar = order[0]
    on_pillar = [h for h in content.hacks if pillar in h.pillars]
    age = {hack_id: i for i, hack_id in reversed(list(enumerate(recent)))}
    oldest = max(on_pillar, key=lambda h: age.get(h.id, len(recent)))
    return HackSuggestion(hack=oldest, pillar=pillar, reason=reason)


def _for_audience(hacks: Sequence[Hack], audience: Audience) -> Hack:
    """Prefer a hack written for the audience; one for both fits everyone."""
    for hack in hacks:
        if hack.audience in (audience, Audience.BOTH):
            return hack
    return hacks[0]
