"""Choosing a hack, with a reason that is true of the scores shown beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from content.schema import Audience, ContentPack, Hack, PillarKey
from surveys.anonymity import RoundResult, RoundSummary
from surveys.errors import UnknownHack

# How many of the team's latest hacks are not suggested again: with one hack at a time,
# held for weeks, this spans months.
NO_REPEAT = 3


class HackReason(StrEnum):
    """Why a hack is shown; each reason says only what the round's numbers bear out."""

    DROP = "drop"  # its pillar changed notably for the worse
    LOWEST = "lowest"  # its pillar is among the lowest shown scores
    NEXT = "next"  # the lowest pillars' hacks were all had lately: another pillar, said so
    ROTATION = "rotation"  # no numbers to go by: the pillars in turn
    REQUESTED = "requested"  # a facilitator asked for it
    KEEP = "keep"  # the team's current hack, shown again until it is done


@dataclass(frozen=True, slots=True)
class HackSuggestion:
    """A hack, the pillar it targets and why; `lowest` are the pillars the reason names as
    lowest (empty when it names none)."""

    hack: Hack
    pillar: PillarKey
    reason: HackReason
    lowest: tuple[PillarKey, ...] = ()


def shown_score(score: float) -> int:
    """A score as people read it: whole points."""
    return round(score)


def lowest_pillars(summary: RoundSummary) -> tuple[PillarKey, ...]:
    """The pillars whose shown score is the lowest (several when they tie), in house order."""
    shown = {key: shown_score(result.score.score) for key, result in summary.pillars.items()}
    if not shown:
        return ()
    low = min(shown.values())
    return tuple(key for key in PillarKey if shown.get(key) == low)


def new_hack(
    content: ContentPack,
    result: RoundResult,
    *,
    recent: Sequence[str],
    audience: Audience = Audience.TEAM,
) -> HackSuggestion:
    """A new hack after a closed round; `recent` are the team's latest hacks, newest first."""
    if not isinstance(result, RoundSummary) or not result.pillars:
        # No numbers to see a weak spot in: take the pillars in the order the house is built
        # (belonging first, as low participation can itself be a sign of avoidance),
        # skipping those the team worked on most recently.
        order = _least_recently_targeted(content, recent)
        return _first_fresh(content, order, recent=recent, audience=audience, lowest=())
    lowest = lowest_pillars(result)
    drops = {k: c.delta for k, c in result.notable_changes.items() if c.delta < 0}
    house = list(PillarKey)
    by_score = sorted(
        result.pillars,
        key=lambda k: (shown_score(result.pillars[k].score.score), house.index(k)),
    )
    dropped = min(drops, key=lambda k: (drops[k], house.index(k))) if drops else None
    order = [dropped] if dropped is not None else []
    order += [k for k in by_score if k != dropped]
    return _first_fresh(
        content, order, recent=recent, audience=audience, lowest=lowest, dropped=dropped
    )


def keep_hack(hack: Hack, result: RoundResult) -> HackSuggestion:
    """The team's current hack, shown again, with the round's lowest pillars (its own pillar,
    when it is among them)."""
    lowest = lowest_pillars(result) if isinstance(result, RoundSummary) else ()
    on_lowest = [p for p in hack.pillars if p in lowest]
    pillar = on_lowest[0] if on_lowest else hack.pillars[0]
    return HackSuggestion(hack=hack, pillar=pillar, reason=HackReason.KEEP, lowest=lowest)


def hack_for_pillar(
    content: ContentPack,
    pillar: PillarKey,
    *,
    recent: Sequence[str],
    audience: Audience = Audience.TEAM,
) -> HackSuggestion:
    """A hack a facilitator asked for by pillar: one the team has not had recently."""
    fresh = _fresh(content, pillar, recent)
    hack = _for_audience(fresh, audience) if fresh else _oldest(content, pillar, recent)
    return HackSuggestion(hack=hack, pillar=pillar, reason=HackReason.REQUESTED)


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
    lowest: tuple[PillarKey, ...],
    dropped: PillarKey | None = None,
) -> HackSuggestion:
    """The first pillar in `order` with a hack the team has not had lately; the reason says
    truthfully why that pillar (with no numbers, `lowest` is empty: rotation)."""
    for pillar in order:
        fresh = _fresh(content, pillar, recent)
        if fresh:
            hack = _for_audience(fresh, audience)
            return HackSuggestion(
                hack=hack, pillar=pillar, reason=_why(pillar, lowest, dropped), lowest=lowest
            )
    # Every hack on these pillars was had lately (a small pack): take the first pillar's oldest.
    pillar = order[0]
    return HackSuggestion(
        hack=_oldest(content, pillar, recent),
        pillar=pillar,
        reason=_why(pillar, lowest, dropped),
        lowest=lowest,
    )


def _why(pillar: PillarKey, lowest: tuple[PillarKey, ...], dropped: PillarKey | None) -> HackReason:
    if not lowest:
        return HackReason.ROTATION
    if pillar is dropped:
        return HackReason.DROP
    # Pillars are tried dropped-first, then lowest-first: one past the lowest means every
    # lowest pillar's hacks were had lately.
    return HackReason.LOWEST if pillar in lowest else HackReason.NEXT


def _fresh(content: ContentPack, pillar: PillarKey, recent: Sequence[str]) -> list[Hack]:
    blocked = set(recent[:NO_REPEAT])
    return [h for h in content.hacks if pillar in h.pillars and h.id not in blocked]


def _oldest(content: ContentPack, pillar: PillarKey, recent: Sequence[str]) -> Hack:
    on_pillar = [h for h in content.hacks if pillar in h.pillars]
    age = {hack_id: i for i, hack_id in reversed(list(enumerate(recent)))}
    return max(on_pillar, key=lambda h: age.get(h.id, len(recent)))


def _for_audience(hacks: Sequence[Hack], audience: Audience) -> Hack:
    """Prefer a hack written for the audience; one for both fits everyone."""
    for hack in hacks:
        if hack.audience in (audience, Audience.BOTH):
            return hack
    return hacks[0]
