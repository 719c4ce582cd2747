"""Property: over many random results and hack histories, the summary's hack part never says
what its numbers contradict, and the team has one hack at a time."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.views.results import summary
from bot.views.texts import Texts
from content.loader import default_pack
from content.schema import Language, PillarKey
from surveys.announcements import RoundOutcome
from surveys.anonymity import PillarResult, RoundResult, RoundSummary, WithheldSummary
from surveys.hack_choice import HackReason
from surveys.hack_cycle import FOLLOW_UP_AFTER, HackStep, next_step, read_cycle
from surveys.hack_log import HackEvent, HackLogEntry
from surveys.rounds import RoundKind
from surveys.scoring import Change, PillarScore
from surveys.trend import Trend
from tests.bot.views.samples import strings
from tests.builders import T0, a_round, a_team

PACK = default_pack()
HACK_IDS = [h.id for h in PACK.hacks]
# Scores close to each other and to a rounding edge, so that ties (as shown) come up often.
SCORES = st.one_of(
    st.floats(0, 100, allow_nan=False),
    st.sampled_from([40.0, 40.4, 39.6, 39.5, 40.5, 55.0, 54.6, 62.0]),
)
CHANGES = st.one_of(
    st.none(),
    st.builds(
        lambda delta, notable: Change(
            delta=delta, notable=notable and abs(delta) >= 10, since=T0 - timedelta(days=7)
        ),
        st.floats(-60, 60, allow_nan=False),
        st.booleans(),
    ),
)


@st.composite
def results(draw: st.DrawFn) -> RoundResult:
    if draw(st.integers(0, 4)) == 0:
        return WithheldSummary(
            round_id="r",
            kind=RoundKind.PULSE,
            closed_at=T0,
            respondents=draw(st.integers(0, 4)),
            min_respondents=5,
            channel_size=9,
        )
    return RoundSummary(
        round_id="r",
        kind=RoundKind.PULSE,
        closed_at=T0,
        respondents=8,
        channel_size=9,
        pillars={
            key: PillarResult(
                score=PillarScore(
                    pillar=key, score=draw(SCORES), favourable=50, answers=8, standard_error=3
                ),
                change=draw(CHANGES),
            )
            for key in PillarKey
        },
    )


@dataclass(frozen=True)
class Week:
    result: RoundResult
    action: str  # what a facilitator does before the round closes
    hack_id: str


WEEKS = st.lists(
    st.builds(
        Week,
        results(),
        st.sampled_from(["nothing", "nothing", "start", "done", "done-other"]),
        st.sampled_from([*HACK_IDS, "retired-hack"]),
    ),
    min_size=1,
    max_size=16,
)


def _pattern(template: str, placeholder: str, group: str) -> re.Pattern[str]:
    """A message with one placeholder, as a regex that captures what was filled in."""
    before, after = template.split("{" + placeholder + "}")
    return re.compile(re.escape(before) + group + re.escape(after))


def _template(key: str, language: Language) -> str:
    return PACK.messages[key].in_(language)


def _named(text: str, t: Texts, language: Language) -> tuple[set[PillarKey], set[PillarKey]]:
    """The pillars the text names as lowest, and as dropped."""
    by_name = {t.pillar(key): key for key in PillarKey}
    joiner = t("hack-pillars-and", first="", last="").strip()
    name = "(?:" + "|".join(map(re.escape, by_name)) + ")"
    word = f"({name})"
    single = _pattern(_template("hack-reason-lowest", language), "pillar", word)
    lowest = {by_name[found] for found in single.findall(text)}
    names = f"({name}(?:(?:, | {joiner} ){name})+)"
    tied = _pattern(_template("hack-reason-lowest-tied", language), "pillars", names)
    for found in tied.findall(text):
        for named in re.split(f", | {joiner} ", found):
            lowest.add(by_name[named])
    drop = _pattern(_template("hack-reason-drop", language), "pillar", word)
    dropped = {by_name[found] for found in drop.findall(text)}
    return lowest, dropped


@settings(max_examples=150, deadline=None)
@given(weeks=WEEKS, language=st.sampled_from(["da", "en"]))
def test_every_hack_reason_is_true_and_one_hack_is_held_at_a_time(
    weeks: list[Week], language: Language
) -> None:
    team = a_team(language=language)
    t = Texts(PACK, language)
    events: list[HackLogEntry] = []
    now = T0

    def log(hack_id: str, event: HackEvent) -> None:
        events.append(HackLogEntry(uuid.uuid4().hex, team.id, hack_id, event, now))

    for week in weeks:
        now += timedelta(days=7)
        cycle = read_cycle(events)
        if week.action == "start" and week.hack_id in HACK_IDS:
            log(week.hack_id, HackEvent.STARTED)
        elif week.action == "done" and cycle.current is not None:
            log(cycle.current.hack_id, HackEvent.DONE)
        elif week.action == "done-other":
            log(week.hack_id, HackEvent.DONE)
        now += timedelta(days=2)
        cycle = read_cycle(events)
        result = week.result
        shown_round = isinstance(result, RoundSummary)
        # As the service does: a withheld summary has no hack part.
        step = (
            next_step(PACK, cycle, result, now=now)
            if isinstance(result, RoundSummary)
            else HackStep()
        )

        # One hack at a time: the current one is kept; a new one only after the last done one
        # was followed up; a follow-up only about three weeks after done.
        if shown_round and cycle.current is not None and cycle.current.hack_id in HACK_IDS:
            assert step.suggestion is not None
            assert step.suggestion.reason is HackReason.KEEP
            assert step.suggestion.hack.id == cycle.current.hack_id
        if step.is_new:
            done = cycle.last_done
            assert done is None or done.followed_up or done.hack_id not in HACK_IDS
            assert step.suggestion is not None
            log(step.suggestion.hack.id, HackEvent.SUGGESTED)
        if step.follow_up is not None:
            assert now - step.follow_up.done_at >= FOLLOW_UP_AFTER
            log(step.follow_up.hack.id, HackEvent.FOLLOWED_UP)
        assert sum(1 for p in read_cycle(events).periods if p.is_current) <= 1

        round_ = replace(a_round(team, opened_at=now - timedelta(days=3)), closed_at=now)
        outcome = RoundOutcome(
            team=team,
            round=round_,
            result=result,
            suggestion=step.suggestion,
            trend=Trend(team_id=team.id, points=[], hacks_done=[]),
            follow_up=step.follow_up,
            repeating=step.repeating,
        )
        text = " ".join(strings(summary(outcome, PACK)))
        lowest, dropped = _named(text, t, language)
        if not isinstance(result, RoundSummary):
            # Nothing about a withheld round's numbers: not even a pillar is named.
            assert not any(t.pillar(key) in text for key in PillarKey)
            continue
        # Recomputed here from the scores as the summary shows them (whole points).
        shown = {key: round(r.score.score) for key, r in result.pillars.items()}
        bottom = {key for key, score in shown.items() if score == min(shown.values())}
        if lowest:
            assert lowest == bottom, (text, shown)
        for key in dropped:
            change = result.pillars[key].change
            assert change is not None
            assert change.notable
            assert change.delta < 0
