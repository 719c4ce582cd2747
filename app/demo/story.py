"""The demo's story: a simulated team through N weekly rounds on a fresh SQLite file."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from app.demo.simulation import SimulatedTeam
from bot.memory_chat import MemoryChat
from content.schema import ContentPack, Language
from storage.engine import create_engine, database_url
from storage.migrate import upgrade
from storage.secret_key import key_file_for, secret_key_for
from storage.unit_of_work import SqlStorage
from surveys.announcements import RoundOutcome
from surveys.anonymity import RoundSummary
from surveys.hack_choice import HackReason, lowest_pillars
from surveys.hack_effect import helped_hack
from surveys.manual_clock import ManualClock
from surveys.prediction import PerceptionReport, pillars_asked
from surveys.rounds import Round, RoundKind, rotation_offset, statements_for_round
from surveys.service import PulseService
from surveys.team import DEFAULT_MIN_RESPONDENTS, ChannelRef, Team, TeamSettings
from surveys.trend import Trend

ZONE = ZoneInfo("Europe/Copenhagen")
FIRST_MONDAY = datetime(2026, 1, 5, 9, 0, tzinfo=ZONE)
BAROMETER_EVERY_WEEKS = 13  # a full barometer each quarter, pulses in between
DEMO_LEADER = "U-LEADER"
DEMO_FACILITATOR = "U-FACILITATOR"
EARLY_SHARE = 0.7  # who answers before the mid-round reminder
HOLD_WEEKS = 3  # the team holds on to the hack for the dip this long before it is done
HELPED_AGREE = 0.8  # how many say the hack for the dip made a difference
LEADER_GUESS = 4  # "Enig": the leader predicts the dip week, unaware of it


@dataclass(frozen=True)
class Week:
    """What happened in one simulated week."""

    number: int
    outcome: RoundOutcome
    reminded: int
    hack_done: str | None
    hack_started: str | None = None


@dataclass(frozen=True)
class DemoRun:
    """The whole story, ready to be told."""

    team: Team
    team_size: int
    weeks: list[Week]
    trend: Trend
    database: Path
    # What the leader saw privately after predicting the dip week (app/demo/report.py).
    leader_view: PerceptionReport | None = None


async def run_demo(
    *,
    weeks: int,
    team_size: int,
    seed: int,
    language: Language,
    database: Path,
    content: ContentPack,
    min_respondents: int = DEFAULT_MIN_RESPONDENTS,
) -> DemoRun:
    """Run the story through the real PulseService and storage; the database starts empty."""
    database.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (database, *_sqlite_companions(database)):
        leftover.unlink(missing_ok=True)
    url = database_url(f"sqlite+aiosqlite:///{database}")
    engine = create_engine(url)
    try:
        await upgrade(engine)
        simulation = SimulatedTeam(size=team_size, weeks=weeks, seed=seed)
        clock = ManualClock(FIRST_MONDAY)
        chat = MemoryChat(members=[m.user_id for m in simulation.members])
        service = PulseService(
            unit_of_work=SqlStorage(engine),
            clock=clock,
            chat=chat,
            content=content,
            secret_key=secret_key_for(url, None),
        )
        team = await service.set_up_team(
            ChannelRef(platform="demo", workspace_id="demo", channel_id="team"),
            TeamSettings(
                weekday=0,
                local_time=time(9, 0),
                timezone=ZONE.key,
                language=language,
                min_respondents=min_respondents,
                # The leader and the facilitator are not among the nine who answer: their own
                # answers would not make up k (they see results), and the story is the team's.
                leaders=frozenset({DEMO_LEADER}),
                facilitators=frozenset({DEMO_FACILITATOR}),
            ),
            name=content.text("demo-team-name", language),
        )
        simulation.walk_from(
            statements_for_round(
                content, kind=RoundKind.PULSE, pulses_so_far=0, offset=rotation_offset(team.id)
            ),
            content,
        )
        story: list[Week] = []
        for number in range(1, weeks + 1):
            story.append(
                await _week(
                    service, simulation, clock, content, team=team, number=number, story=story
                )
            )
        trend = await service.trend(team.id, rounds=weeks)
    finally:
        await engine.dispose()
    return DemoRun(
        team=team,
        team_size=team_size,
        weeks=story,
        trend=trend,
        database=database,
        leader_view=_leader_view(chat),
    )


async def _week(
    service: PulseService,
    simulation: SimulatedTeam,
    clock: ManualClock,
    content: ContentPack,
    *,
    team: Team,
    number: int,
    story: list[Week],
) -> Week:
    _move_to(clock, FIRST_MONDAY + timedelta(weeks=number - 1))
    kind = RoundKind.BAROMETER if (number - 1) % BAROMETER_EVERY_WEEKS == 0 else RoundKind.PULSE
    round_ = await service.open_round(team.id, kind=kind)
    rng = random.Random(number)  # noqa: S311 - a simulation, not a secret
    if number == simulation.dip_week:
        await _leader_predicts(service, content, round_)
    respondents = simulation.respondents(number)
    early = round(len(respondents) * EARLY_SHARE)
    span = round_.closes_at - round_.opened_at
    for index, member in enumerate(respondents):
        if index == early:
            _move_to(clock, round_.opened_at + span / 2)
            reminded = await service.remind(round_.id)
        clock.advance(minutes=37)
        statements = tuple(s for s in round_.statement_ids if helped_hack(s) is None)
        answers = simulation.answers(member, content, statements, number)
        for item in set(round_.statement_ids) - set(statements):
            # Did the hack for the dip help? Most feel it did.
            answers[item] = rng.choice((4, 5)) if rng.random() < HELPED_AGREE else 3
        status = await service.submit(round_.id, user_id=member.user_id, answers=answers)
        await service.show_participation(status)
    if early >= len(respondents):
        _move_to(clock, round_.opened_at + span / 2)
        reminded = await service.remind(round_.id)
    _move_to(clock, round_.closes_at)
    outcome = await service.close_round(round_.id)
    clock.advance(days=1)
    started = done = None
    suggestion = outcome.suggestion
    if suggestion is not None and suggestion.reason is not HackReason.KEEP:
        # A new hack: the facilitator starts the discussion the next day.
        started = suggestion.hack.id
    elif (
        isinstance(outcome.result, RoundSummary)
        and simulation.hack_week is None
        and number >= simulation.dip_week
        and simulation.dip_pillar in lowest_pillars(outcome.result)
    ):
        # The team holds on to its hack, but another pillar fell to the bottom: the
        # facilitator chooses to work on that one now (`hack lære`).
        started = (await service.suggest_hack(team.id, pillar=simulation.dip_pillar)).hack.id
    if started is not None:
        await service.start_discussion(team.id, started)
        if content.hack(started).pillars[0] is simulation.dip_pillar:
            simulation.hack_run(number)
    elif simulation.hack_week is not None and number == simulation.hack_week + HOLD_WEEKS:
        # Held on to for weeks, practised at every meeting: the team says it did it.
        dip_hack = next(w.hack_started for w in story if w.number == simulation.hack_week)
        if dip_hack is not None:
            done = (await service.hack_done(team.id, dip_hack)).hack_id
    return Week(
        number=number, outcome=outcome, reminded=reminded, hack_done=done, hack_started=started
    )


async def _leader_predicts(service: PulseService, content: ContentPack, round_: Round) -> None:
    """The leader has not noticed the dip: "Enig" on every pillar the round asks."""
    guess = {key.value: LEADER_GUESS for key in pillars_asked(content, round_)}
    await service.leader_side.predict(round_.id, user_id=DEMO_LEADER, values=guess)


def _leader_view(chat: MemoryChat) -> PerceptionReport | None:
    return next((n for _, n in chat.notes if isinstance(n, PerceptionReport)), None)


def _move_to(clock: ManualClock, moment: datetime) -> None:
    """Jump to `moment`, never backwards (a busy week's answers may have passed it)."""
    clock.set(max(clock.now(), moment))


def _sqlite_companions(database: Path) -> tuple[Path, ...]:
    return (
        database.with_name(database.name + "-wal"),
        database.with_name(database.name + "-shm"),
        key_file_for(database),
    )
