"""A new hack: the lowest pillar or the sharpest drop, no recent repeats, audience-aware."""

from __future__ import annotations

from datetime import timedelta

import pytest

from content.schema import Audience, ContentPack, PillarKey
from surveys.anonymity import PillarResult, RoundSummary, WithheldSummary
from surveys.errors import UnknownHack
from surveys.hack_choice import (
    NO_REPEAT,
    HackReason,
    hack_by_id,
    hack_for_pillar,
    keep_hack,
    new_hack,
)
from surveys.rounds import RoundKind
from surveys.scoring import Change, PillarScore
from tests.builders import T0


def _summary(
    scores: dict[PillarKey, float], deltas: dict[PillarKey, float] | None = None
) -> RoundSummary:
    deltas = deltas or {}
    return RoundSummary(
        round_id="r",
        kind=RoundKind.PULSE,
        closed_at=T0,
        respondents=8,
        channel_size=10,
        pillars={
            key: PillarResult(
                score=PillarScore(
                    pillar=key, score=score, favourable=50, answers=8, standard_error=2
                ),
                change=(
                    Change(delta=deltas[key], notable=abs(deltas[key]) >= 10, since=T0)
                    if key in deltas
                    else None
                ),
            )
            for key, score in scores.items()
        },
    )


SCORES = {
    PillarKey.INCLUDE: 80.0,
    PillarKey.LEARN: 70.0,
    PillarKey.CONTRIBUTE: 65.0,
    PillarKey.CHALLENGE: 50.0,
}


def test_the_weakest_pillar_gets_the_hack(content: ContentPack) -> None:
    suggestion = new_hack(content, _summary(SCORES), recent=[])
    assert suggestion.pillar is PillarKey.CHALLENGE
    assert suggestion.reason is HackReason.LOWEST
    assert PillarKey.CHALLENGE in suggestion.hack.pillars


def test_the_sharpest_notable_drop_beats_the_weakest(content: ContentPack) -> None:
    deltas = {PillarKey.INCLUDE: -25.0, PillarKey.LEARN: -12.0, PillarKey.CHALLENGE: -5.0}
    suggestion = new_hack(content, _summary(SCORES, deltas), recent=[])
    assert suggestion.pillar is PillarKey.INCLUDE
    assert suggestion.reason is HackReason.DROP


def test_a_notable_rise_is_not_a_drop(content: ContentPack) -> None:
    suggestion = new_hack(content, _summary(SCORES, {PillarKey.INCLUDE: 30.0}), recent=[])
    assert suggestion.reason is HackReason.LOWEST


def test_no_repeat_within_the_last_few(content: ContentPack) -> None:
    summary = _summary(SCORES)
    recent: list[str] = []
    for _ in range(NO_REPEAT):
        suggestion = new_hack(content, summary, recent=recent)
        assert suggestion.hack.id not in recent[:NO_REPEAT]
        recent.insert(0, suggestion.hack.id)
    assert len(set(recent)) == NO_REPEAT


def test_when_the_lowest_pillar_is_used_up_the_next_follows_and_says_so(
    content: ContentPack,
) -> None:
    challenge = [h.id for h in content.hacks if PillarKey.CHALLENGE in h.pillars]
    suggestion = new_hack(content, _summary(SCORES), recent=challenge)
    assert suggestion.pillar is PillarKey.CONTRIBUTE
    assert suggestion.hack.id not in challenge
    assert suggestion.reason is HackReason.NEXT
    assert suggestion.lowest == (PillarKey.CHALLENGE,)


def test_a_tie_names_every_lowest_pillar(content: ContentPack) -> None:
    # 50.4 and 49.6 both show as 50: neither alone "is the lowest".
    scores = {**SCORES, PillarKey.LEARN: 50.4, PillarKey.CHALLENGE: 49.6}
    suggestion = new_hack(content, _summary(scores), recent=[])
    assert suggestion.lowest == (PillarKey.LEARN, PillarKey.CHALLENGE)
    assert suggestion.reason is HackReason.LOWEST
    assert suggestion.pillar in suggestion.lowest


def test_the_current_hack_names_its_pillar_lowest_only_when_it_is(content: ContentPack) -> None:
    learn = next(h for h in content.hacks if h.pillars[0] is PillarKey.LEARN)
    kept = keep_hack(learn, _summary(SCORES))
    assert (kept.reason, kept.pillar) == (HackReason.KEEP, PillarKey.LEARN)
    assert kept.lowest == (PillarKey.CHALLENGE,)  # named as lowest: Challenge, not Learn
    lowest = keep_hack(learn, _summary({**SCORES, PillarKey.LEARN: 40.0}))
    assert lowest.lowest == (PillarKey.LEARN,)


def test_an_old_suggestion_may_come_back(content: ContentPack) -> None:
    first = new_hack(content, _summary(SCORES), recent=[]).hack.id
    older = [first, *[f"other-{i}" for i in range(NO_REPEAT)]]
    assert new_hack(content, _summary(SCORES), recent=older[::-1]).hack.id == first


def test_team_hacks_are_preferred_for_the_team_and_leader_hacks_for_leaders(
    content: ContentPack,
) -> None:
    team = hack_for_pillar(content, PillarKey.CHALLENGE, recent=[], audience=Audience.TEAM)
    leader = hack_for_pillar(content, PillarKey.CHALLENGE, recent=[], audience=Audience.LEADER)
    assert team.hack.audience in (Audience.TEAM, Audience.BOTH)
    assert leader.hack.audience in (Audience.LEADER, Audience.BOTH)
    assert team.reason is HackReason.REQUESTED


def test_a_leader_hack_still_comes_when_it_is_all_the_pillar_has_left(
    content: ContentPack,
) -> None:
    on_pillar = [h for h in content.hacks if PillarKey.CHALLENGE in h.pillars]
    others = [h.id for h in on_pillar if h.audience is not Audience.LEADER]
    suggestion = hack_for_pillar(content, PillarKey.CHALLENGE, recent=others)
    assert suggestion.hack.audience is Audience.LEADER


def test_below_k_it_starts_with_belonging(content: ContentPack) -> None:
    withheld = WithheldSummary(
        round_id="r",
        kind=RoundKind.PULSE,
        closed_at=T0 + timedelta(days=1),
        respondents=2,
        min_respondents=5,
        channel_size=9,
    )
    first = new_hack(content, withheld, recent=[])
    assert first.pillar is PillarKey.INCLUDE
    assert first.reason is HackReason.ROTATION
    # After working on belonging, the next low-participation week moves on.
    second = new_hack(content, withheld, recent=[first.hack.id])
    assert second.pillar is PillarKey.LEARN
    # Hacks from an older content pack in the log are ignored, not fatal.
    assert new_hack(content, withheld, recent=["retired-hack"]).pillar is PillarKey.INCLUDE


def test_a_hack_by_id(content: ContentPack) -> None:
    assert hack_by_id(content, "pre-mortem").hack.id == "pre-mortem"
    with pytest.raises(UnknownHack) as error:
        hack_by_id(content, "nope")
    assert error.value.values == {"hack": "nope"}


def test_a_small_pack_falls_back_to_the_oldest_suggestion(content: ContentPack) -> None:
    learn = [h.id for h in content.hacks if PillarKey.LEARN in h.pillars][:NO_REPEAT]
    assert len(learn) == NO_REPEAT
    suggestion = hack_for_pillar(content, PillarKey.LEARN, recent=learn)
    # All are recent; the one suggested longest ago wins.
    assert suggestion.hack.id == learn[-1]
