"""Domain objects for the view tests, made by PulseService on memory storage or by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.memory_chat import MemoryChat
from bot.views.card import (
    Buttons,
    Card,
    Chart,
    ChartImage,
    Element,
    Facts,
    Form,
    Heading,
    Items,
    Note,
    Paragraph,
)
from bot.views.hacks import hack_card, hack_list, reflection
from bot.views.knowledge import about_card, help_card
from bot.views.leader import prediction_form, prediction_saved, with_predict_button
from bot.views.notices import private_note
from bot.views.pulse import answer_form, closed_pulse, pulse_message, thanks
from bot.views.results import summary, trend_report
from bot.views.setup import setup_form
from bot.views.status import status_card
from content.schema import ContentPack, Language, PillarKey
from surveys.announcements import Notice, PulseStatus, RoundOutcome
from surveys.anonymity import PillarResult, RoundSummary, WithheldReason, WithheldSummary
from surveys.manual_clock import ManualClock
from surveys.prediction import perception_report
from surveys.rounds import Round, RoundKind
from surveys.scoring import Change, PillarScore
from surveys.service import PulseService
from surveys.team import ChannelRef, Team, TeamSettings
from surveys.traps import TrapNote
from surveys.trend import HackDone, Trend, TrendPoint
from tests.builders import T0
from tests.fakes.memory import MemoryStorage

MEMBERS = [f"U{n}" for n in range(1, 10)]
LEADER = "U1"
CHANNEL = ChannelRef(platform="slack", workspace_id="T1", channel_id="C1")
LANGUAGES: tuple[Language, ...] = ("da", "en")

T = TypeVar("T")


@dataclass
class World:
    """One team in a service on memory storage, with a fake chat and clock."""

    service: PulseService
    chat: MemoryChat
    clock: ManualClock
    team: Team
    content: ContentPack


async def a_world(content: ContentPack, language: Language, *, k: int = 5) -> World:
    chat, clock = MemoryChat(members=list(MEMBERS)), ManualClock(T0)
    service = PulseService(
        unit_of_work=MemoryStorage(), clock=clock, chat=chat, content=content, secret_key=b"k" * 32
    )
    team = await service.set_up_team(
        CHANNEL,
        TeamSettings(language=language, min_respondents=k, leaders=frozenset({LEADER})),
        name="Platform",
    )
    return World(service=service, chat=chat, clock=clock, team=team, content=content)


async def answer(world: World, round_: Round, people: list[str], value: int) -> PulseStatus:
    """`people` all feel `value` (mirrored on reverse-keyed statements); the last status."""
    answers = {
        s: 6 - value if world.content.statement(s).reverse else value for s in round_.statement_ids
    }
    status = await world.service.status(round_.id)
    for person in people:
        status = await world.service.submit(round_.id, user_id=person, answers=answers)
    return status


async def closed_round(
    world: World, people: list[str], value: int, *, kind: RoundKind = RoundKind.PULSE
) -> RoundOutcome:
    """A round opened, answered by `people`, and closed; the clock moves on a week."""
    round_ = await world.service.open_round(world.team.id, kind=kind)
    await answer(world, round_, people, value)
    outcome = await world.service.close_round(round_.id)
    world.clock.advance(days=7)
    return outcome


# Hand-made trends


def a_summary(
    scores: dict[PillarKey, float],
    *,
    respondents: int = 8,
    size: int | None = 10,
    changes: dict[PillarKey, Change] | None = None,
) -> RoundSummary:
    return RoundSummary(
        round_id="r",
        kind=RoundKind.PULSE,
        closed_at=datetime(2026, 3, 5, 8, 0, tzinfo=UTC),
        respondents=respondents,
        channel_size=size,
        pillars={
            key: PillarResult(
                score=PillarScore(
                    pillar=key, score=score, favourable=50.0, answers=respondents, standard_error=1
                ),
                change=(changes or {}).get(key),
            )
            for key, score in scores.items()
        },
    )


def a_withheld(
    *,
    respondents: int = 2,
    size: int | None = 10,
    reason: WithheldReason = WithheldReason.TOO_FEW,
) -> WithheldSummary:
    return WithheldSummary(
        round_id="w",
        kind=RoundKind.PULSE,
        closed_at=datetime(2026, 3, 5, 8, 0, tzinfo=UTC),
        respondents=respondents,
        min_respondents=5,
        channel_size=size,
        reason=reason,
    )


def overlapping(outcome: RoundOutcome) -> RoundOutcome:
    """The same round, withheld because another team's channel differs by a few people."""
    result = outcome.result
    withheld = WithheldSummary(
        round_id=result.round_id,
        kind=result.kind,
        closed_at=result.closed_at,
        respondents=result.respondents,
        min_respondents=outcome.team.settings.min_respondents,
        channel_size=result.channel_size,
        reason=WithheldReason.OVERLAP,
    )
    return RoundOutcome(
        team=outcome.team,
        round=outcome.round,
        result=withheld,
        suggestion=outcome.suggestion,
        trend=outcome.trend,
    )


WEEK0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def a_trend(
    results: Sequence[RoundSummary | WithheldSummary], hacks_done: Sequence[HackDone] = ()
) -> Trend:
    return Trend(
        team_id="team",
        points=[
            TrendPoint(opened_at=WEEK0 + timedelta(weeks=n), result=result)
            for n, result in enumerate(results)
        ],
        hacks_done=list(hacks_done),
    )


def even(score: float) -> dict[PillarKey, float]:
    return dict.fromkeys(PillarKey, score)


# Everything, for the renderers


async def every_view(
    content: ContentPack, language: Language
) -> tuple[dict[str, Card], list[Form]]:
    """Every card and form the view builders make, in `language`."""
    world = await a_world(content, language)
    # A barometer asks every statement, so the pulse after it has changes to show.
    first = await closed_round(world, MEMBERS[:6], 5, kind=RoundKind.BAROMETER)
    second = await closed_round(world, MEMBERS[:6], 1)
    withheld = await closed_round(world, MEMBERS[:2], 3)
    round_ = await world.service.open_round(world.team.id)
    status = await answer(world, round_, MEMBERS[:3], 4)
    closed_status = PulseStatus(
        team=world.team,
        round=Round(
            id=round_.id,
            team_id=round_.team_id,
            kind=RoundKind.BAROMETER,
            statement_ids=round_.statement_ids,
            opened_at=round_.opened_at,
            closes_at=round_.closes_at,
            channel_size=9,
            closed_at=round_.closes_at,
            respondents=3,
        ),
        respondents=3,
    )
    guess = {p.key.value: 4 for p in content.pillars}
    await world.service.leader_side.predict(round_.id, user_id=LEADER, values=guess)
    _, _, prediction = await world.service.leader_side.prediction_of(round_.id, LEADER)
    assert prediction is not None
    hack = content.hacks[0]
    await world.service.hack_done(world.team.id, hack.id)
    trend = await world.service.trend(world.team.id)
    falling = a_trend(
        [a_summary(even(60), respondents=10), a_summary(even(60), respondents=10)] * 2
        + [a_summary(even(40), respondents=5)],
        [HackDone(hack.id, WEEK0 + timedelta(days=3))],
    )
    cards = {
        "pulse-open": pulse_message(status, content),
        "pulse-closed": pulse_message(closed_status, content),
        "thanks": thanks(status, content),
        "summary-first": summary(first, content),
        "summary-drop": summary(second, content),
        "summary-withheld": summary(withheld, content),
        "summary-overlap": summary(overlapping(first), content),
        "pulse-closed-withheld": closed_pulse(withheld, content),
        "trend": trend_report(trend, world.team, content),
        "trend-empty": trend_report(a_trend([]), world.team, content),
        "trend-falling": trend_report(falling, world.team, content),
        "hack-open": hack_card(hack, content, language),
        "hack-done": hack_card(
            hack, content, language, done_at=WEEK0, zone=world.team.settings.zone
        ),
        "reflection": reflection(hack, content, language),
        "hacks": hack_list(content, language),
        "help": help_card(content, language, prefix="/tryghed"),
        "about": about_card(content, language),
        "status-open": status_card(world.team, status, content),
        "status-none": status_card(world.team, None, content),
        "note": private_note(
            Notice("reminder", {"deadline": round_.closes_at}), world.team, content
        ),
        "note-restarted": private_note(Notice("round-restarted"), world.team, content),
        "gap": private_note(perception_report(prediction, second.result), world.team, content),
        "gap-withheld": private_note(
            perception_report(prediction, withheld.result), world.team, content
        ),
        "trap": private_note(
            TrapNote(avoidance=True, falling=(PillarKey.LEARN,)), world.team, content
        ),
        "prediction-saved": prediction_saved(round_, world.team, content),
        "trend-leader": with_predict_button(
            trend_report(trend, world.team, content), round_, world.team, content
        ),
    }
    forms = [
        answer_form(round_, world.team, content),
        prediction_form(round_, world.team, content, prediction),
        setup_form("C1", world.team.settings, content, language),
    ]
    return cards, forms


def strings(card: Card) -> list[str]:
    """Every text a person could read on `card`, its fallback first."""
    found = [card.fallback]
    for element in card.elements:
        found += element_strings(element)
    return found


def element_strings(element: Element) -> list[str]:
    match element:
        case Heading(text) | Paragraph(text) | Note(text):
            return [text]
        case Facts(rows):
            return [cell for row in rows for cell in row]
        case Chart(rows):
            return [cell for row in rows for cell in row]
        case ChartImage(_, alt_text, title):
            return [alt_text, title]
        case Items(items):
            return list(items)
        case Buttons(buttons):
            return [button.label for button in buttons]
    raise AssertionError(element)  # pragma: no cover


def only(card: Card, kind: type[T]) -> list[T]:
    """The elements of `kind` on `card`, in order."""
    return [element for element in card.elements if isinstance(element, kind)]
