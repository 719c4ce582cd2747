"""The hack cycle read from the log: current, done, followed up, set aside; and the next step."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from content.schema import ContentPack, PillarKey
from surveys.anonymity import PillarResult, RoundResult, RoundSummary, WithheldSummary
from surveys.hack_choice import HackReason
from surveys.hack_cycle import (
    FOLLOW_UP_AFTER,
    HackPeriod,
    before_after,
    next_step,
    read_cycle,
)
from surveys.hack_log import HackEvent, HackLogEntry
from surveys.rounds import RoundKind
from surveys.scoring import PillarScore
from tests.builders import T0


def event(hack_id: str, kind: HackEvent, days: float) -> HackLogEntry:
    return HackLogEntry(uuid.uuid4().hex, "team", hack_id, kind, T0 + timedelta(days=days))


def shown(**scores: float) -> RoundSummary:
    return RoundSummary(
        round_id="r",
        kind=RoundKind.PULSE,
        closed_at=T0,
        respondents=6,
        channel_size=9,
        pillars={
            PillarKey(key): PillarResult(
                score=PillarScore(
                    pillar=PillarKey(key), score=v, favourable=0, answers=6, standard_error=1
                ),
                change=None,
            )
            for key, v in scores.items()
        },
    )


SCORES = shown(include=80, learn=50, contribute=70, challenge=60)


def test_suggested_then_started_is_one_current_hack() -> None:
    cycle = read_cycle(
        [
            event("pre-mortem", HackEvent.STARTED, 1),
            event("pre-mortem", HackEvent.SUGGESTED, 0),  # any order in
        ]
    )
    assert cycle.periods == (HackPeriod("pre-mortem", T0),)
    assert cycle.current == HackPeriod("pre-mortem", T0)
    assert cycle.last_done is None


def test_another_hack_sets_the_current_one_aside() -> None:
    cycle = read_cycle(
        [event("pre-mortem", HackEvent.SUGGESTED, 0), event("check-in-round", HackEvent.STARTED, 3)]
    )
    aside, current = cycle.periods
    assert aside.set_aside_at == T0 + timedelta(days=3)
    assert not aside.is_current
    assert cycle.current == current
    assert cycle.recent == ["check-in-round", "pre-mortem"]


def test_done_and_followed_up_at_the_same_moment_read_in_order() -> None:
    events = [
        event("pre-mortem", HackEvent.FOLLOWED_UP, 5),
        event("pre-mortem", HackEvent.DONE, 5),
        event("pre-mortem", HackEvent.SUGGESTED, 0),
    ]
    (period,) = read_cycle(events).periods
    assert period.done_at == T0 + timedelta(days=5)
    assert period.followed_up


def test_an_old_cards_done_does_not_end_the_current_hack() -> None:
    cycle = read_cycle(
        [event("pre-mortem", HackEvent.STARTED, 0), event("check-in-round", HackEvent.DONE, 1)]
    )
    assert cycle.current is not None
    assert cycle.current.hack_id == "pre-mortem"


def test_the_steps_after_done(content: ContentPack) -> None:
    hack = content.hacks[3]
    log = [event(hack.id, HackEvent.SUGGESTED, 0), event(hack.id, HackEvent.DONE, 7)]
    early = next_step(content, read_cycle(log), SCORES, now=T0 + timedelta(days=14))
    assert (early.repeating, early.suggestion, early.follow_up) == (hack, None, None)
    due = T0 + timedelta(days=7) + FOLLOW_UP_AFTER
    follow = next_step(content, read_cycle(log), SCORES, now=due)
    assert follow.follow_up is not None
    assert follow.follow_up.hack == hack
    log.append(event(hack.id, HackEvent.FOLLOWED_UP, 27))
    new = next_step(content, read_cycle(log), SCORES, now=due + timedelta(days=7))
    assert new.is_new
    assert new.suggestion is not None
    assert new.suggestion.reason is HackReason.LOWEST
    assert new.suggestion.lowest == (PillarKey.LEARN,)


def test_a_retired_hack_does_not_block_the_cycle(content: ContentPack) -> None:
    log = [event("retired-hack", HackEvent.SUGGESTED, 0)]
    step = next_step(content, read_cycle(log), SCORES, now=T0 + timedelta(days=7))
    assert step.is_new


def test_before_and_after_count_only_rounds_shown() -> None:
    period = HackPeriod("pre-mortem", T0)
    withheld = WithheldSummary("w", RoundKind.PULSE, T0, 2, 5, 9)
    rounds: list[tuple[datetime, RoundResult]] = [
        (T0 - timedelta(days=14), shown(challenge=40)),
        (T0 - timedelta(days=7), withheld),
        (T0 + timedelta(days=7), shown(challenge=55)),
        (T0 + timedelta(days=14), withheld),
    ]
    change = before_after(period, PillarKey.CHALLENGE, rounds)
    assert change is not None
    assert (change.before, change.after) == (40, 55)
    assert before_after(period, PillarKey.CHALLENGE, rounds[:2]) is None
