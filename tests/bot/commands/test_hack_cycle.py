"""One hack at a time, through the command layer: held on to, done, asked about, followed up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.commands.access import Actor
from bot.views.card import Heading, Paragraph
from bot.views.results import summary
from content.schema import ContentPack
from surveys.announcements import RoundOutcome
from surveys.anonymity import RoundSummary, WithheldSummary
from surveys.hack_choice import HackReason
from surveys.hack_cycle import FOLLOW_UP_AFTER
from surveys.hack_effect import helped_hack, helped_item
from surveys.team import Team
from tests.bot.commands.test_handler import CHANNEL, FACILITATOR, HERE, MEMBERS, Setup, make, set_up
from tests.bot.views.samples import strings

# Facilitator and leader see results: only the others make up k.
ANSWERING = MEMBERS[2:8]


async def week(
    s: Setup, team: Team, people: list[str], *, helped: Sequence[str] = ()
) -> RoundOutcome:
    """A pulse through the chat: started, answered on the form, closed by hand an hour later;
    `helped` are the values given, in order, to a "did it help" item if the form has one."""
    await s.handler.command(CHANNEL, Actor(FACILITATOR, language="en"), "pulse")
    round_ = await s.service.open_round_of(team.id)
    for n, person in enumerate(people):
        reply = await s.handler.open_answer_form(round_.id, Actor(person), "en", origin=HERE)
        assert reply.form is not None
        answers = {}
        for question in reply.form.questions:
            asked = helped_hack(question.id) is not None
            answers[question.id] = helped[n] if asked else "4"
        await s.handler.submit_answers(round_.id, Actor(person), answers, "en", origin=HERE)
    s.clock.advance(hours=1)
    await s.handler.command(CHANNEL, Actor(FACILITATOR), "close")
    outcome = s.chat.outcomes[-1]
    assert outcome.round.id == round_.id
    s.clock.advance(days=7, hours=-1)
    return outcome


def card_text(outcome: RoundOutcome, content: ContentPack) -> str:
    return " ".join(strings(summary(outcome, content)))


async def test_a_hack_is_held_done_asked_about_followed_up_and_then_a_new_one(
    content: ContentPack,
) -> None:
    s = make(content)
    team = await set_up(s)
    t = s.t()
    first = await week(s, team, ANSWERING)
    assert first.suggestion is not None
    assert first.suggestion.reason is not HackReason.KEEP
    hack = first.suggestion.hack
    title = hack.title.en
    assert Heading(t("hack-new-title", hack=title)) in summary(first, content).elements

    # Held on to: the same hack, again and again, with a reason to keep going.
    for _ in range(2):
        held = await week(s, team, ANSWERING)
        assert held.suggestion is not None
        assert (held.suggestion.hack, held.suggestion.reason) == (hack, HackReason.KEEP)
        card = summary(held, content)
        assert Heading(t("hack-of-the-week-title", hack=title)) in card.elements
        pillar = held.suggestion.pillar
        if pillar in held.suggestion.lowest:
            keep = t("hack-reason-keep", hack=title, done=t("hack-did-it"))
        else:  # another pillar lies lowest: said, with the choice to change course
            keep = t("hack-reason-keep-other", hack=title, pillar=t.pillar(pillar))
        assert any(isinstance(e, Paragraph) and keep in e.text for e in card.elements)

    # We did it: thanks, without promising quick effects.
    s.clock.advance(days=1)
    done = await s.handler.hack_done(CHANNEL, Actor(FACILITATOR), hack.id)
    assert done.card == s.note("hack-done-thanks", hack=title)
    done_at = s.clock.now()

    # The next pulse asks, on the same form and scale, whether it helped.
    asked = await week(s, team, ANSWERING, helped=["5", "4", "4", "4", "2", "3"])
    assert helped_item(hack.id) in asked.round.statement_ids
    assert isinstance(asked.result, RoundSummary)
    assert asked.helped is not None
    assert (asked.helped.agree, asked.helped.answers) == (4, 6)
    text = card_text(asked, content)
    assert t("hack-helped-result", agree=4, answers=6, hack=title) in text
    # Never part of a pillar score: every pillar still scores the 4s, 75.
    assert all(round(p.score.score) in (25, 75) for p in asked.result.pillars.values())
    assert t("hack-repeating", hack=title) in text

    # Repeated meanwhile; about three weeks after done, the follow-up; then a new hack.
    outcome = await week(s, team, ANSWERING)
    while outcome.follow_up is None:
        assert outcome.repeating == hack
        assert outcome.suggestion is None
        assert helped_item(hack.id) not in outcome.round.statement_ids  # asked once only
        outcome = await week(s, team, ANSWERING)
    assert outcome.follow_up.hack == hack
    assert outcome.round.closed_at is not None
    assert (
        FOLLOW_UP_AFTER <= outcome.round.closed_at - done_at < FOLLOW_UP_AFTER + timedelta(days=7)
    )
    date = t.short_date(done_at, team.settings.zone)
    assert t("hack-follow-up", hack=title, date=date) in card_text(outcome, content)
    new = await week(s, team, ANSWERING)
    assert new.suggestion is not None
    assert new.suggestion.reason is not HackReason.KEEP
    assert new.suggestion.hack != hack
    if new.suggestion.lowest:
        assert isinstance(new.result, RoundSummary)
        shown = {k: round(r.score.score) for k, r in new.result.pillars.items()}
        assert set(new.suggestion.lowest) == {
            k for k, v in shown.items() if v == min(shown.values())
        }


async def test_did_it_help_shows_only_through_the_gate(content: ContentPack) -> None:
    s = make(content)
    team = await set_up(s)
    await week(s, team, ANSWERING)
    hack = s.chat.outcomes[-1].suggestion
    assert hack is not None
    await s.handler.hack_done(CHANNEL, Actor(FACILITATOR), hack.hack.id)
    # Too few answer the round that asks: withheld, and nothing of the item is shown.
    few = await week(s, team, ANSWERING[:3], helped=["5", "5", "5"])
    assert helped_item(hack.hack.id) in few.round.statement_ids
    assert isinstance(few.result, WithheldSummary)
    assert few.helped is None
    text = card_text(few, content)
    assert hack.hack.title.en not in text
    assert "3" not in text.replace(s.t().short_date(few.round.opened_at, team.settings.zone), "")
    # It is not asked again: the question belonged to the round after "we did it".
    later = await week(s, team, ANSWERING)
    assert helped_item(hack.hack.id) not in later.round.statement_ids
    assert later.helped is None
