"""CommandHandler on memory storage, a fake chat and a fake clock: no platform involved."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from bot.commands.access import Actor
from bot.commands.handler import CommandHandler, Reply
from bot.memory_chat import MemoryChat
from bot.views.card import Buttons, Card, FormKind, Heading, Note, Paragraph, notice
from bot.views.texts import Texts
from content.schema import ContentPack, Language
from surveys.manual_clock import ManualClock
from surveys.service import PulseService
from surveys.team import ChannelRef, Origin, Team, TeamSettings
from tests.builders import T0
from tests.fakes.memory import MemoryStorage

PREFIX = "/tryghed"
MEMBERS = [f"U{n}" for n in range(1, 10)]
FACILITATOR, LEADER, MEMBER = "U1", "U2", "U5"
CHANNEL = ChannelRef(platform="slack", workspace_id="T1", channel_id="C1")
HERE = Origin("slack", "T1", "C1")  # a request from the team's own channel


class BrokenChat(MemoryChat):
    """A chat platform that fails in a way nobody planned for."""

    async def channel_members(self, team: Team) -> Sequence[str]:
        raise RuntimeError("the platform fell over for U1")


@dataclass
class Setup:
    handler: CommandHandler
    service: PulseService
    chat: MemoryChat
    clock: ManualClock
    content: ContentPack

    def t(self, language: Language = "en") -> Texts:
        return Texts(self.content, language)

    def note(self, key: str, language: Language = "en", **values: object) -> Card:
        return notice(self.t(language)(key, **values))


def make(content: ContentPack, chat: MemoryChat | None = None) -> Setup:
    chat = chat or MemoryChat(members=list(MEMBERS))
    clock = ManualClock(T0)
    service = PulseService(
        unit_of_work=MemoryStorage(),
        clock=clock,
        chat=chat,
        content=content,
        secret_key=b"k" * 32,
    )
    handler = CommandHandler(
        service, content, platform="slack", prefix=PREFIX, default_min_respondents=5
    )
    return Setup(handler=handler, service=service, chat=chat, clock=clock, content=content)


async def set_up(s: Setup, channel: ChannelRef = CHANNEL, *, name: str = "Platform") -> Team:
    return await s.service.set_up_team(
        channel,
        TeamSettings(
            language="en",
            leaders=frozenset({LEADER}),
            facilitators=frozenset({FACILITATOR}),
        ),
        name=name,
    )


async def test_an_unexpected_failure_becomes_the_generic_message(
    content: ContentPack, caplog: pytest.LogCaptureFixture
) -> None:
    s = make(content, BrokenChat(members=list(MEMBERS)))
    team = await set_up(s)
    with caplog.at_level(logging.ERROR, logger="bot.commands.handler"):
        reply = await s.handler.command(CHANNEL, Actor(FACILITATOR), "pulse")
    assert reply == Reply(card=s.note("error-generic"))
    (record,) = caplog.records
    assert record.getMessage().startswith("a slack request failed")
    assert "RuntimeError" in record.getMessage()
    # The exception's message may carry user ids: it is never logged.
    assert "fell over" not in caplog.text
    assert s.chat.pulses == []
    # Nothing was half done: the team still has no round.
    status = await s.handler.command(CHANNEL, Actor(FACILITATOR), "status")
    assert status.card is not None
    assert s.t()("status-no-round") in str(status.card)
    assert (await s.service.team(team.id)).paused is False


async def test_the_generic_message_speaks_the_teams_language(content: ContentPack) -> None:
    s = make(content, BrokenChat())
    await s.service.set_up_team(CHANNEL, TeamSettings(language="da"))
    reply = await s.handler.command(CHANNEL, Actor("U9", is_admin=True), "pulse")
    assert reply == Reply(card=s.note("error-generic", "da"))


async def test_a_refusal_from_the_domain_is_explained(content: ContentPack) -> None:
    s = make(content)
    await set_up(s)
    reply = await s.handler.command(CHANNEL, Actor(FACILITATOR), "close")
    assert reply == Reply(card=s.note("error-no-open-round"))
    unset = ChannelRef("slack", "T1", "C-new")
    reply = await s.handler.command(unset, Actor(MEMBER, language="en"), "status")
    assert reply == Reply(card=s.note("error-team-not-set-up", prefix=PREFIX))


async def test_unknown_words_and_plain_members(content: ContentPack) -> None:
    s = make(content)
    await set_up(s)
    reply = await s.handler.command(CHANNEL, Actor(MEMBER), "frobnicate")
    assert reply == Reply(card=s.note("error-unknown-word", word="frobnicate", prefix=PREFIX))
    assert await s.handler.command(CHANNEL, Actor(MEMBER), "pulse") == Reply(
        card=s.note("error-not-allowed")
    )
    assert await s.handler.command(CHANNEL, Actor(MEMBER), "trend") == Reply(
        card=s.note("error-not-allowed-trend")
    )
    assert s.chat.pulses == []


async def test_a_non_numeric_answer_is_invalid(content: ContentPack) -> None:
    s = make(content)
    team = await set_up(s)
    round_ = await s.service.open_round(team.id)
    answers = dict.fromkeys(round_.statement_ids, "4")
    answers[round_.statement_ids[0]] = "four"
    reply = await s.handler.submit_answers(round_.id, Actor(MEMBER), answers, "da", origin=HERE)
    # The team speaks English, so the refusal does too, whatever the person's client says.
    assert reply == Reply(card=s.note("error-invalid-answers"))
    assert (await s.service.status(round_.id)).respondents == 0
    assert not await s.service.has_answered(round_.id, MEMBER)


async def test_an_answer_is_thanked_and_the_count_updated_only_afterwards(
    content: ContentPack,
) -> None:
    s = make(content)
    team = await set_up(s)
    round_ = await s.service.open_round(team.id)
    answers = dict.fromkeys(round_.statement_ids, "4")
    reply = await s.handler.submit_answers(round_.id, Actor(MEMBER), answers, "en", origin=HERE)
    assert reply.card is not None
    assert isinstance(reply.card.elements[0], Heading)
    assert reply.card.elements[0].text == s.t()("form-title")
    assert reply.form is None
    assert reply.shared_update is None
    assert s.chat.updates == []  # not before the reply is on its way
    assert reply.after is not None
    await reply.after()
    assert s.chat.updates == [("msg-1", 1)]
    assert await s.service.has_answered(round_.id, MEMBER)


async def test_a_second_answer_is_not_counted(content: ContentPack) -> None:
    s = make(content)
    team = await set_up(s)
    round_ = await s.service.open_round(team.id)
    answers = dict.fromkeys(round_.statement_ids, "2")
    await s.handler.submit_answers(round_.id, Actor(MEMBER), answers, "en", origin=HERE)
    again = await s.handler.submit_answers(round_.id, Actor(MEMBER), answers, "en", origin=HERE)
    assert again == Reply(card=s.note("error-already-answered"))
    assert (await s.service.status(round_.id)).respondents == 1
    form = await s.handler.open_answer_form(round_.id, Actor(MEMBER), "en", origin=HERE)
    assert form == Reply(card=s.note("error-already-answered"))


async def test_the_answer_form_opens_for_an_open_round_only(content: ContentPack) -> None:
    s = make(content)
    team = await set_up(s)
    round_ = await s.service.open_round(team.id)
    reply = await s.handler.open_answer_form(round_.id, Actor(MEMBER), "da", origin=HERE)
    assert reply.form is not None
    assert reply.form.kind is FormKind.ANSWER
    assert reply.form.reference == round_.id
    await s.service.close_round(round_.id)
    closed = await s.handler.open_answer_form(round_.id, Actor(MEMBER), "da", origin=HERE)
    assert closed == Reply(card=s.note("error-round-closed"))
    unknown = await s.handler.open_answer_form("no-such-round", Actor(MEMBER), "da", origin=HERE)
    assert unknown == Reply(card=s.note("error-round-not-found", "da"))


async def test_hack_done_updates_the_shared_card_without_its_button(
    content: ContentPack,
) -> None:
    s = make(content)
    team = await set_up(s)
    round_ = await s.service.open_round(team.id)
    await s.service.close_round(round_.id)
    s.clock.advance(days=2)
    hack = content.hacks[0]
    reply = await s.handler.hack_done(CHANNEL, Actor(FACILITATOR), hack.id)
    t = s.t()
    assert reply.card == s.note("hack-done-thanks", hack=hack.title.en)
    done = reply.shared_update
    assert done is not None
    assert done.elements[0] == Heading(hack.title.en)
    assert not any(isinstance(e, Buttons) for e in done.elements)
    date = t.short_date(s.clock.now(), team.settings.zone)
    assert done.elements[-1] == Note(t("hack-done-on", date=date))
    assert reply.form is None
    assert reply.after is None
    trend = await s.service.trend(team.id)
    assert [(d.hack_id, d.at) for d in trend.hacks_done] == [(hack.id, s.clock.now())]


async def test_hack_done_is_refused_to_a_plain_member_and_off_a_team(
    content: ContentPack,
) -> None:
    s = make(content)
    await set_up(s)
    refused = await s.handler.hack_done(CHANNEL, Actor(MEMBER), content.hacks[0].id)
    assert refused == Reply(card=s.note("error-not-allowed"))
    unset = await s.handler.hack_done(ChannelRef("slack", "T1", "C9"), Actor(MEMBER), "x")
    assert unset == Reply(card=s.note("error-team-not-set-up", "da", prefix=PREFIX))
    unknown = await s.handler.hack_done(CHANNEL, Actor(FACILITATOR), "no-such-hack")
    assert unknown == Reply(card=s.note("error-unknown-hack", hack="no-such-hack", prefix=PREFIX))


async def test_home_lists_only_the_teams_where_the_actor_has_a_role(
    content: ContentPack,
) -> None:
    s = make(content)
    await set_up(s, name="Platform")
    await s.service.set_up_team(
        ChannelRef("slack", "T1", "C2"),
        TeamSettings(facilitators=frozenset({LEADER})),
        name="Payments",
    )
    await s.service.set_up_team(
        ChannelRef("slack", "T1", "C3"), TeamSettings(leaders=frozenset({"U7"})), name="Search"
    )
    await s.service.set_up_team(
        ChannelRef("slack", "T2", "C4"), TeamSettings(leaders=frozenset({LEADER})), name="Other"
    )
    await s.service.set_up_team(
        ChannelRef("teams", "T1", "C5"), TeamSettings(leaders=frozenset({LEADER})), name="Teams"
    )
    card = await s.handler.home("T1", Actor(LEADER, language="en"))
    t = s.t()
    headings = [e.text for e in card.elements if isinstance(e, Heading)]
    assert headings == [
        t("home-title"),
        t("trend-title", rounds=0, team="Platform"),
        Texts(content, "da")("trend-title", rounds=0, team="Payments"),
    ]
    assert card.fallback == t("home-title")


async def test_home_without_a_team(content: ContentPack) -> None:
    s = make(content)
    await set_up(s)
    card = await s.handler.home("T1", Actor(MEMBER, language="en"))
    assert card == Card(
        fallback=s.t()("home-title"),
        elements=(
            Heading(s.t()("home-title")),
            Paragraph(s.t()("home-empty", prefix=PREFIX)),
        ),
    )


async def test_setup_without_words_opens_the_form_and_with_words_saves(
    content: ContentPack,
) -> None:
    s = make(content)
    reply = await s.handler.command(CHANNEL, Actor(MEMBER, language="en"), "setup")
    assert reply.form is not None
    assert reply.form.kind is FormKind.SETUP
    assert reply.form.reference == CHANNEL.channel_id
    saved = await s.handler.command(CHANNEL, Actor(MEMBER, language="en"), "setup en fri 10.15")
    team = await s.service.team_in(CHANNEL)
    assert team.settings.weekday == 4
    assert team.settings.facilitators == frozenset({MEMBER})
    assert saved.card is not None
    assert "10:15" in saved.card.fallback
    bad = await s.handler.command(CHANNEL, Actor(MEMBER), "setup sometimes")
    assert bad == Reply(card=s.note("error-setting-word", word="sometimes", prefix=PREFIX))


async def test_a_bad_setup_form_points_at_the_field(content: ContentPack) -> None:
    s = make(content)
    await set_up(s)
    reply = await s.handler.submit_setup(
        CHANNEL, Actor(FACILITATOR), {"min_respondents": ("2",)}, "Platform"
    )
    t = s.t()
    assert reply == Reply(
        field_errors={"min_respondents": t("error-setting-min-respondents", floor=3)}
    )


async def test_another_teams_round_is_refused_kindly(content: ContentPack) -> None:
    s = make(content)
    team = await set_up(s)
    round_ = await s.service.open_round(team.id)
    answers = dict.fromkeys(round_.statement_ids, "4")
    elsewhere = Origin("slack", "T1", "C2")
    refused = Reply(card=s.note("error-round-other-team", "da"))
    # The person's own language: the round's team is not theirs to speak for.
    form = await s.handler.open_answer_form(round_.id, Actor(MEMBER), "da", origin=elsewhere)
    assert form == refused
    reply = await s.handler.submit_answers(
        round_.id, Actor(MEMBER), answers, "da", origin=elsewhere
    )
    assert reply == refused
    assert (await s.service.status(round_.id)).respondents == 0
