"""Every view builder in both languages: no missing message, and the facts people rely on."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.views.card import (
    Action,
    Button,
    Buttons,
    Card,
    Chart,
    Facts,
    FormKind,
    Heading,
    Items,
    Note,
    Paragraph,
    QuestionKind,
    notice,
)
from bot.views.hacks import hack_card, hack_list, reflection
from bot.views.knowledge import COMMANDS, about_card, help_card
from bot.views.notices import private_note
from bot.views.pulse import (
    answer_form,
    closed_pulse,
    participation_text,
    pulse_message,
    thanks,
)
from bot.views.results import summary, trend_report
from bot.views.setup import ROUND_HOURS, set_up_card, setup_form
from bot.views.sparkline import GAP
from bot.views.status import status_card
from bot.views.texts import Texts
from content.schema import ContentPack, Language, PillarKey
from surveys.announcements import Notice, PulseStatus
from surveys.anonymity import RoundSummary, WithheldReason, WithheldSummary
from surveys.hack_choice import HackReason
from surveys.hack_cycle import HackPeriod
from surveys.rounds import RoundKind
from surveys.scoring import Change
from surveys.team import MIN_RESPONDENTS_FLOOR, TeamSettings
from surveys.trend import HackDone
from tests.bot.views.samples import (
    LANGUAGES,
    MEMBERS,
    WEEK0,
    a_summary,
    a_trend,
    a_withheld,
    a_world,
    answer,
    closed_round,
    even,
    every_view,
    only,
    overlapping,
    strings,
)
from tests.builders import a_round, a_team, rich_settings

pytestmark = pytest.mark.parametrize("language", LANGUAGES)


def pillar_names(content: ContentPack, language: Language) -> list[str]:
    return [p.name.in_(language) for p in content.pillars]


# Everything renders


async def test_every_view_renders_with_no_missing_message(
    content: ContentPack, language: Language
) -> None:
    cards, forms = await every_view(content, language)
    assert len(cards) == 26
    for name, card in cards.items():
        assert card.fallback, name
        assert card.elements, name
        assert all(text.strip() for text in strings(card)), name
    assert [form.kind for form in forms] == [FormKind.ANSWER, FormKind.PREDICTION, FormKind.SETUP]


async def test_the_two_languages_differ(content: ContentPack, language: Language) -> None:
    other: Language = "en" if language == "da" else "da"
    mine, _ = await every_view(content, language)
    theirs, _ = await every_view(content, other)
    for name in ("pulse-open", "summary-withheld", "help", "status-none", "hacks"):
        assert mine[name].fallback != theirs[name].fallback or strings(mine[name]) != strings(
            theirs[name]
        ), name


# The pulse message, the form and the thanks


def test_participation_text(content: ContentPack, language: Language) -> None:
    t = Texts(content, language)
    # k = 5 and one leader: "enough" only once the results will show, whoever answered.
    team = a_team(language=language, leaders=frozenset({"BOSS"}))
    round_ = a_round(team)

    def text(respondents: int, size: int | None = 9) -> str:
        sized = replace(round_, channel_size=size)
        return participation_text(t, PulseStatus(team=team, round=sized, respondents=respondents))

    assert text(3) == content.text("participation-waiting", language, respondents=3, size=9, k=5)
    assert text(5) == content.text("participation-waiting", language, respondents=5, size=9, k=5)
    assert text(6) == content.text("participation-enough", language, respondents=6, size=9)
    assert text(7, size=None) == content.text(
        "participation-enough", language, respondents=7, size="?"
    )
    assert "?" in text(1, size=None)
    # k is the larger of k when the round opened and the team's k now.
    raised = replace(round_, min_respondents=7)
    status = PulseStatus(team=team, round=raised, respondents=6)
    assert participation_text(t, status) == content.text(
        "participation-waiting", language, respondents=6, size=9, k=7
    )


async def test_the_open_pulse_shows_the_count_and_the_answer_and_predict_buttons(
    content: ContentPack, language: Language
) -> None:
    world = await a_world(content, language)
    round_ = await world.service.open_round(world.team.id)
    status = await answer(world, round_, MEMBERS[:3], 4)
    card = pulse_message(status, content)
    t = Texts(content, language)
    participation = content.text("participation-waiting", language, respondents=3, size=9, k=5)

    assert [type(e) for e in card.elements] == [Heading, Paragraph, Facts, Note, Buttons]
    assert card.elements[0] == Heading(t("pulse-title"))
    assert card.elements[1] == Paragraph(t("pulse-intro", statements=4))
    assert card.elements[2] == Facts(
        (
            (t("pulse-deadline"), t.moment(round_.closes_at, world.team.settings.zone)),
            (t("pulse-answers"), participation),
        )
    )
    assert card.elements[3] == Note(t("pulse-anonymous", k=5))
    assert card.elements[4] == Buttons(
        (
            Button(t("pulse-answer"), Action.ANSWER, round_.id, primary=True),
            # The team has a leader: the button to their private prediction form.
            Button(t("predict-button"), Action.PREDICT, round_.id),
        )
    )
    assert card.fallback == f"{t('pulse-title')} – {participation}"
    # Nothing but the count: no chart, no scores, no names.
    assert not only(card, Chart)
    assert not any(member in text for text in strings(card) for member in MEMBERS)


async def test_the_closed_pulse_has_no_button(content: ContentPack, language: Language) -> None:
    world = await a_world(content, language)
    round_ = await world.service.open_round(world.team.id)
    await answer(world, round_, MEMBERS[:6], 4)
    await world.service.close_round(round_.id)
    status = await world.service.status(round_.id)
    assert not status.round.is_open
    card = pulse_message(status, content)
    t = Texts(content, language)
    assert not only(card, Buttons)
    assert card.elements[-1] == Note(t("pulse-closed"))
    assert only(card, Facts)[0].rows[1] == (
        t("pulse-answers"),
        content.text("participation-enough", language, respondents=6, size=9),
    )


async def test_a_closed_pulse_shows_the_count_only_with_the_results(
    content: ContentPack, language: Language
) -> None:
    world = await a_world(content, language)
    t = Texts(content, language)
    shown = await closed_round(world, MEMBERS[:6], 4)
    card = closed_pulse(shown, content)
    count = content.text("participation-enough", language, respondents=6, size=9)
    assert not only(card, Buttons)
    assert card.elements[-1] == Note(t("pulse-closed"))
    assert only(card, Facts)[0].rows[1] == (t("pulse-answers"), count)
    assert card.fallback == f"{t('pulse-title')} – {count}"

    withheld = await closed_round(world, MEMBERS[:3], 4)
    assert isinstance(withheld.result, WithheldSummary)
    for outcome in (withheld, overlapping(shown)):
        card = closed_pulse(outcome, content)
        (facts,) = only(card, Facts)
        assert [label for label, _ in facts.rows] == [t("pulse-deadline")]
        assert card.elements[-1] == Note(t("pulse-closed"))
        assert card.fallback == t("pulse-title")
        every_text = " ".join(strings(card))
        for respondents in (3, 6):  # (4 is the number of statements, 5 is k)
            assert f"{respondents} " not in every_text.replace(facts.rows[0][1], "")


def test_a_restarted_round_says_the_answers_were_lost_and_asks_again(
    content: ContentPack, language: Language
) -> None:
    team = a_team(language=language)
    round_ = a_round(team)
    t = Texts(content, language)
    plain = pulse_message(PulseStatus(team=team, round=round_, respondents=2), content)
    assert Paragraph(t("round-restarted")) not in plain.elements
    restarted = replace(round_, restarted_at=round_.opened_at + timedelta(hours=5))
    card = pulse_message(PulseStatus(team=team, round=restarted, respondents=0), content)
    assert card.elements[2] == Paragraph(t("round-restarted"))
    assert only(card, Facts)[0].rows[1] == (
        t("pulse-answers"),
        participation_text(t, PulseStatus(team=team, round=restarted, respondents=0)),
    )
    assert only(card, Buttons)  # everyone may answer again
    closed = replace(restarted, closed_at=restarted.closes_at, respondents=6)
    card = pulse_message(PulseStatus(team=team, round=closed, respondents=6), content)
    assert Paragraph(t("round-restarted")) not in card.elements


def test_a_barometer_has_its_own_title(content: ContentPack, language: Language) -> None:
    team = a_team(language=language)
    statements = tuple(s.id for s in content.statements if not s.retired)
    round_ = a_round(team, kind=RoundKind.BAROMETER, statements=statements)
    card = pulse_message(PulseStatus(team=team, round=round_, respondents=0), content)
    t = Texts(content, language)
    assert card.elements[0] == Heading(t("pulse-title-barometer"))
    # Its own intro: sixteen statements take longer than a pulse's "under a minute".
    assert card.elements[1] == Paragraph(t("pulse-intro-barometer", statements=16))
    assert "16" in t("pulse-intro-barometer", statements=16)
    assert card.elements[1] != Paragraph(t("pulse-intro"))
    assert card.fallback.startswith(t("pulse-title-barometer"))
    # Our own instrument is not the toolkit's Tryghedsbarometer.
    assert "barometer" not in " ".join(strings(card)).lower()


def test_the_answer_form_asks_each_statement_on_the_scale(
    content: ContentPack, language: Language
) -> None:
    team = a_team(language=language, min_respondents=6)
    round_ = a_round(team)
    form = answer_form(round_, team, content)
    t = Texts(content, language)
    assert form.kind is FormKind.ANSWER
    assert form.reference == round_.id
    assert (form.title, form.submit, form.cancel) == (
        t("form-title"),
        t("form-submit"),
        t("form-cancel"),
    )
    assert form.intro == (Paragraph(t("form-intro")), Note(t("pulse-anonymous", k=6)))
    assert [q.id for q in form.questions] == list(round_.statement_ids)
    for question in form.questions:
        assert question.kind is QuestionKind.SCALE
        assert question.label == content.statement(question.id).text.in_(language)
        assert [c.value for c in question.choices] == ["1", "2", "3", "4", "5"]
        assert [c.label for c in question.choices] == [s.in_(language) for s in content.scale]
        assert question.initial == ()
        assert not question.optional


def test_thanks_names_the_deadline_in_the_team_zone(
    content: ContentPack, language: Language
) -> None:
    team = a_team(language=language, timezone="America/New_York")
    round_ = a_round(team)  # closes 2026-03-05 08:00 UTC, 03:00 in New York
    card = thanks(PulseStatus(team=team, round=round_, respondents=1), content)
    t = Texts(content, language)
    deadline = t.moment(round_.closes_at, ZoneInfo("America/New_York"))
    assert "03:00" in deadline
    assert card == notice(t("answer-thanks", deadline=deadline), title=t("form-title"))


# Results


async def test_a_reportable_summary_charts_every_pillar_and_offers_the_hack(
    content: ContentPack, language: Language
) -> None:
    world = await a_world(content, language)
    outcome = await closed_round(world, MEMBERS[:6], 4)
    assert isinstance(outcome.result, RoundSummary)
    card = summary(outcome, content)
    t = Texts(content, language)
    title = t("summary-title", date=t.short_date(outcome.round.opened_at, world.team.settings.zone))
    answered = t("answered-of", respondents=6, size=9)

    assert card.elements[0] == Heading(title)
    (chart,) = only(card, Chart)
    assert [row[0] for row in chart.rows] == pillar_names(content, language)
    # 4 of 5 everywhere is 75; a first round has nothing to compare with, so no arrows.
    assert [row[2] for row in chart.rows] == ["75"] * 4
    assert Note(f"{answered} · {t('summary-scale')}") in card.elements
    # Nothing changed, so nothing is said about changes; the talk is offered anyway.
    assert card.elements[3:5] == (
        Heading(t("results-talk-title")),
        Paragraph(t("results-talk")),
    )
    assert outcome.suggestion is not None
    hack = outcome.suggestion.hack
    assert Heading(t("hack-new-title", hack=hack.title.in_(language))) in card.elements
    assert only(card, Buttons) == [
        Buttons((Button(t("hack-start"), Action.START_DISCUSSION, hack.id, primary=True),))
    ]
    assert card.fallback == f"{title}: {answered}"


async def test_a_sharp_drop_shows_arrows_and_the_team_keeps_its_hack(
    content: ContentPack, language: Language
) -> None:
    world = await a_world(content, language)
    first = await closed_round(world, MEMBERS[:6], 5, kind=RoundKind.BAROMETER)
    outcome = await closed_round(world, MEMBERS[:6], 1)
    assert first.suggestion is not None
    assert outcome.suggestion is not None
    assert (outcome.suggestion.reason, outcome.suggestion.hack) == (
        HackReason.KEEP,
        first.suggestion.hack,
    )
    card = summary(outcome, content)
    (chart,) = only(card, Chart)
    assert [row[2] for row in chart.rows] == ["0 ▼−100"] * 4
    t = Texts(content, language)
    since = t.short_date(first.round.opened_at, world.team.settings.zone)
    drops = [Paragraph(t("summary-dropped", pillar=t.pillar(key), date=since)) for key in PillarKey]
    talk = card.elements.index(Heading(t("results-talk-title")))
    assert list(card.elements[3:talk]) == drops
    title = t.of(first.suggestion.hack.title)
    assert Heading(t("hack-of-the-week-title", hack=title)) in card.elements
    keep = t("hack-reason-keep", hack=title, done=t("hack-did-it"))
    assert any(isinstance(e, Paragraph) and e.text.endswith(keep) for e in card.elements)


async def test_a_withheld_summary_says_so_and_nothing_else(
    content: ContentPack, language: Language
) -> None:
    world = await a_world(content, language)
    outcome = await closed_round(world, MEMBERS[:4], 1)
    assert isinstance(outcome.result, WithheldSummary)
    card = summary(outcome, content)
    t = Texts(content, language)
    title = t("summary-title", date=t.short_date(outcome.round.opened_at, world.team.settings.zone))
    # Only that fewer than k answered: no count ("4 of 9 answered"), no rate, no score.
    assert card.elements == (
        Heading(title),
        Paragraph(t("withheld", k=5)),
        Paragraph(t("results-talk-withheld")),
    )
    assert card.fallback == f"{title}: {t('withheld', k=5)}"
    assert not only(card, Chart)
    assert not only(card, Buttons)
    every_text = " ".join(strings(card))
    for name in pillar_names(content, language):
        assert name not in every_text
    assert t("answered-of", respondents=4, size=9) not in every_text


async def test_a_round_withheld_for_overlap_says_why_and_nothing_else(
    content: ContentPack, language: Language
) -> None:
    world = await a_world(content, language)
    outcome = overlapping(await closed_round(world, MEMBERS[:7], 4))
    card = summary(outcome, content)
    t = Texts(content, language)
    title = t("summary-title", date=t.short_date(outcome.round.opened_at, world.team.settings.zone))
    assert card.elements == (
        Heading(title),
        Paragraph(t("withheld-overlap")),
        Paragraph(t("results-talk-withheld")),
    )
    assert card.fallback == f"{title}: {t('withheld-overlap')}"
    every_text = " ".join(strings(card))
    assert "7" not in every_text.replace(title, "")
    for name in pillar_names(content, language):
        assert name not in every_text


def test_an_empty_trend_says_there_is_nothing_yet(content: ContentPack, language: Language) -> None:
    team = a_team(language=language)
    card = trend_report(a_trend([]), team, content)
    t = Texts(content, language)
    title = t("trend-title", rounds=0, team=team.name)
    assert card == Card(fallback=title, elements=(Heading(title), Paragraph(t("trend-empty"))))


def test_a_trend_charts_pillars_and_participation(content: ContentPack, language: Language) -> None:
    team = replace(a_team(language=language), name="")
    drop = {PillarKey.LEARN: Change(delta=-20.0, notable=True, since=WEEK0)}
    trend = a_trend(
        [
            a_summary(even(50), respondents=8),
            a_withheld(respondents=2),
            a_summary(even(75), respondents=9, changes=drop),
        ]
    )
    card = trend_report(trend, team, content)
    t = Texts(content, language)
    title = t("trend-title", rounds=3, team=t("trend-this-team"))
    assert card.elements[0] == Heading(title)
    (chart,) = only(card, Chart)
    assert [row[0] for row in chart.rows] == [*pillar_names(content, language), t("participation")]
    for _, line, _ in chart.rows[:4]:
        assert len(line) == 3
        assert line[1] == GAP
    # The latest result, with its change on the same statements (not the first mark's score:
    # the line joins different statements).
    assert [row[2] for row in chart.rows[:4]] == ["75", "75 ▼−20", "75", "75"]
    # The withheld round is a gap in participation too: no rate, so no count.
    assert chart.rows[4][1][1] == GAP
    assert chart.rows[4][2] == "90 %"
    assert Note(t("trend-legend")) in card.elements
    since = t.short_date(WEEK0, team.settings.zone)
    fell = t("trend-change-down", points=20.0, date=since)
    assert Facts(((t.pillar(PillarKey.LEARN), fell),)) in (card.elements)
    # No hacks done; Lære dropped notably, so its leader question is the one list.
    question = content.pillar(PillarKey.LEARN).leader_question.in_(language)
    assert only(card, Items) == [
        Items((t("gap-question", pillar=t.pillar(PillarKey.LEARN), question=question),))
    ]
    assert Paragraph(t("hint-participation-falling")) not in card.elements


def test_a_trend_lists_the_hacks_started_and_done_with_before_and_after(
    content: ContentPack, language: Language
) -> None:
    team = a_team(language=language, timezone="Europe/Copenhagen")
    hack, current = content.hacks[1], content.hacks[4]
    started_at = WEEK0 + timedelta(days=1)  # after the first round opened
    done_at = datetime(2026, 1, 7, 23, 30, tzinfo=UTC)  # already 8 Jan in Copenhagen
    later = WEEK0 + timedelta(days=10)
    trend = replace(
        a_trend([a_summary(even(60)), a_summary(even(62))], [HackDone(hack.id, done_at)]),
        hacks=(
            HackPeriod("retired-hack", started_at, done_at),
            HackPeriod(hack.id, started_at, done_at),
            HackPeriod(current.id, later),
        ),
    )
    card = trend_report(trend, team, content)
    t = Texts(content, language)
    zone = ZoneInfo("Europe/Copenhagen")
    date = t.short_date(done_at, zone)
    assert date == content.text("date-short", language, day=8, month=t("month-1"))
    # A hack from an earlier content pack is left out rather than failing.
    title, started = hack.title.in_(language), t.short_date(started_at, zone)
    assert only(card, Items) == [
        Items(
            (
                t("trend-hack-done", hack=title, started=started, date=date),
                t(
                    "trend-hack-current",
                    hack=current.title.in_(language),
                    started=t.short_date(later, zone),
                ),
            )
        )
    ]
    # The current hack started after the latest round: no "after" yet, so no comparison.
    assert not [p for p in only(card, Paragraph) if "60" in p.text]
    assert not only(card, Facts)  # no notable change


def test_a_trend_shows_the_latest_hacks_pillar_before_and_since(
    content: ContentPack, language: Language
) -> None:
    team = a_team(language=language)
    hack = content.hacks[1]
    trend = replace(
        a_trend([a_summary(even(60)), a_withheld(respondents=2), a_summary(even(71.6))]),
        hacks=(HackPeriod(hack.id, WEEK0 + timedelta(days=1)),),
    )
    card = trend_report(trend, team, content)
    t = Texts(content, language)
    before_after = t(
        "trend-hack-before-after",
        pillar=t.pillar(hack.pillars[0]),
        hack=hack.title.in_(language),
        before=60,
        after=72,
    )
    assert Paragraph(before_after) in card.elements
    assert Note(t("trend-hack-caveat")) in card.elements


def test_a_trend_hints_when_participation_falls(content: ContentPack, language: Language) -> None:
    team = a_team(language=language)
    steady = [a_summary(even(60), respondents=9) for _ in range(3)]
    falling = a_trend([*steady, a_summary(even(60), respondents=5)])
    assert falling.participation_falling
    card = trend_report(falling, team, content)
    t = Texts(content, language)
    assert card.elements[-1] == Paragraph(t("hint-participation-falling"))
    assert only(card, Chart)[0].rows[-1][2] == "50 %"
    unknown_size = a_trend([a_summary(even(60), size=None)])
    assert only(trend_report(unknown_size, team, content), Chart)[0].rows[-1][2] == "–"


def test_a_trend_shows_no_rate_for_a_withheld_round(
    content: ContentPack, language: Language
) -> None:
    team = a_team(language=language)
    steady = [a_summary(even(60), respondents=9) for _ in range(3)]
    for reason in WithheldReason:
        trend = a_trend([*steady, a_withheld(respondents=2, reason=reason)])
        card = trend_report(trend, team, content)
        (chart,) = only(card, Chart)
        # The latest rate shown is the last reported round's; 2 of 10 appears nowhere.
        assert chart.rows[-1][1][-1] == GAP
        assert chart.rows[-1][2] == "90 %"
        assert "20 %" not in " ".join(strings(card))
        assert Paragraph(Texts(content, language)("hint-participation-falling")) not in (
            card.elements
        )


# Hacks


def test_an_open_hack_card_has_the_steps_and_a_button(
    content: ContentPack, language: Language
) -> None:
    hack = content.hacks[0]
    card = hack_card(hack, content, language)
    t = Texts(content, language)
    assert card.fallback == t("hack-of-the-week-title", hack=hack.title.in_(language))
    assert card.elements[0] == Heading(hack.title.in_(language))
    assert card.elements[1] == Paragraph(hack.purpose.in_(language))
    assert card.elements[2] == Facts(
        (
            (t("hack-for"), t(f"audience-{hack.audience}")),
            (t("hack-time"), t("hack-minutes", minutes=hack.minutes)),
            (t("hack-pillar"), ", ".join(t.pillar(p) for p in hack.pillars)),
        )
    )
    assert card.elements[3] == Items(tuple(s.in_(language) for s in hack.steps), numbered=True)
    assert card.elements[4] == Note(t("hack-thread-hint"))
    assert card.elements[5] == Buttons((Button(t("hack-did-it"), Action.HACK_DONE, hack.id),))


def test_a_done_hack_card_says_when_and_has_no_button(
    content: ContentPack, language: Language
) -> None:
    hack = content.hacks[-1]
    done_at = datetime(2026, 5, 31, 22, 30, tzinfo=UTC)
    card = hack_card(hack, content, language, done_at=done_at, zone=ZoneInfo("Europe/Copenhagen"))
    t = Texts(content, language)
    assert not only(card, Buttons)
    june_first = content.text("date-short", language, day=1, month=t("month-6"))
    assert card.elements[-1] == Note(t("hack-done-on", date=june_first))
    # Without a zone the date is UTC's.
    in_utc = hack_card(hack, content, language, done_at=done_at)
    may_last = content.text("date-short", language, day=31, month=t("month-5"))
    assert in_utc.elements[-1] == Note(t("hack-done-on", date=may_last))


def test_the_reflection_asks_the_hacks_questions_for_the_meeting(
    content: ContentPack, language: Language
) -> None:
    hack = content.hacks[2]
    card = reflection(hack, content, language)
    t = Texts(content, language)
    # The questions are for the talk at the meeting; the thread only for agreeing when.
    assert card == Card(
        fallback=t("hack-reflection"),
        elements=(
            Paragraph(t("hack-reflection")),
            Items(tuple(q.in_(language) for q in hack.reflection)),
            Note(t("hack-thread-hint")),
        ),
    )


def test_the_hack_list_has_every_hack_once_under_its_pillar(
    content: ContentPack, language: Language
) -> None:
    card = hack_list(content, language)
    t = Texts(content, language)
    assert card.elements[0] == Heading(t("hacks-title"))
    assert card.elements[-1] == Note(t("hacks-how"))
    assert [p.text for p in only(card, Paragraph)] == pillar_names(content, language)
    rows = [row for facts in only(card, Facts) for row in facts.rows]
    assert sorted(title for title, _ in rows) == sorted(
        h.title.in_(language) for h in content.hacks
    )
    # Each hack by the short name the team's language types (brugsanvisning in Danish).
    assert sorted(value.rsplit(" · ", 1)[1] for _, value in rows) == sorted(
        h.alias.in_(language) for h in content.hacks
    )
    for pillar, facts in zip(PillarKey, only(card, Facts), strict=True):
        names = {value.rsplit(" · ", 1)[1] for _, value in facts.rows}
        assert all(content.hack_named(name).pillars[0] == pillar for name in names)  # type: ignore[union-attr]
    shown = " ".join(strings(card))
    if language == "da":
        assert "brugsanvisning" in shown
        assert "working-manual" not in shown


# Knowledge


def test_help_lists_every_command_with_the_prefix(content: ContentPack, language: Language) -> None:
    card = help_card(content, language, prefix="@Tryghed")
    t = Texts(content, language)
    (facts,) = only(card, Facts)
    assert len(facts.rows) == len(COMMANDS) == 11
    for (usage, what), command in zip(facts.rows, COMMANDS, strict=True):
        assert usage == f"@Tryghed {t(f'help-usage-{command}')}"
        assert what == t(f"help-{command}")
    assert card.elements[0] == Heading(t("help-title"))
    assert card.elements[-1] == Note(t("help-roles"))


def test_about_explains_pillars_traps_and_levels(content: ContentPack, language: Language) -> None:
    card = about_card(content, language)
    t = Texts(content, language)
    assert [h.text for h in only(card, Heading)] == [
        t("about-title"),
        t("about-steps"),
        t("about-traps"),
        t("about-levels"),
    ]
    paragraphs = [p.text for p in only(card, Paragraph)]
    assert paragraphs[:3] == [t("about-intro"), t("about-emotions"), t("about-house")]
    # Each pillar with what it is and the need behind it.
    (facts,) = only(card, Facts)
    assert facts.rows == tuple(
        (
            p.name.in_(language),
            f"{p.description.in_(language)} {t('about-need', need=p.need.in_(language))}",
        )
        for p in content.pillars
    )
    steps, kinds, levels = only(card, Items)
    assert steps.numbered
    assert steps.items == tuple(
        f"{st.name.in_(language)}: {st.description.in_(language)}" for st in content.steps
    )
    # Every trap's description (its warning signs) and its advice; resistance's three kinds
    # as sub-items.
    for trap in content.traps:
        assert f"{trap.name.in_(language)}: {trap.description.in_(language)}" in paragraphs
        assert t("about-trap-advice", advice=trap.advice.in_(language)) in paragraphs
    resistance = next(trap for trap in content.traps if trap.key == "resistance")
    assert len(kinds.items) == len(resistance.kinds) == 3
    assert len(levels.items) == len(content.levels)


# The toolkit's words, and the English that says the same.
TOOLKIT_WORDS = {
    "da": (
        "god og naturlig",
        "Undgåelsesadfærd",
        "Som leder gør du dig fortjent til tilliden",
        "Tre typiske fælder",
        "Hvem har ansvaret?",
        "Tryghedshuset",
        "tryg på kommando",
        "Fælles viden",
        "Her er vi nu",
        "Det gør vi",
        "Vi holder fast",
        "At høre til",
        "Faretegn",
    ),
    "en": (
        "good and natural",
        "Avoidance",
        "As a leader, you earn the trust",
        "Three common traps",
        "Who is responsible?",
        "Tryghedshuset",
        "safe on command",
        "Shared knowledge",
        "Where we are now",
        "What we do",
        "We keep it up",
        "To belong",
        "Warning signs",
    ),
}


def test_the_about_card_says_what_the_toolkit_says(
    content: ContentPack, language: Language
) -> None:
    text = " ".join(strings(about_card(content, language)))
    for words in TOOLKIT_WORDS[language]:
        assert words in text, words


# Status, setup, notes


def test_a_new_teams_setup_ends_with_a_kickoff_along_the_four_steps(
    content: ContentPack, language: Language
) -> None:
    team = a_team(language=language, min_respondents=6)
    t = Texts(content, language)
    card = set_up_card(team, content, prefix="/tryghed", kickoff=True)
    assert [type(e) for e in card.elements] == [Paragraph, Heading, Paragraph, Items, Note]
    assert card.elements[1] == Heading(t("kickoff-title"))
    (steps,) = only(card, Items)
    assert steps.numbered
    assert [item.split(": ", 1)[0] for item in steps.items] == [
        st.name.in_(language) for st in content.steps
    ]
    about, agree = ("om", "puls") if language == "da" else ("about", "pulse")
    assert f"/tryghed {about}" in steps.items[0]
    assert f"/tryghed {agree}" in steps.items[1]
    assert card.elements[-1] == Note(t("kickoff-anonymity", k=6))
    assert "6" in t("kickoff-anonymity", k=6)
    # A changed schedule is only confirmed.
    again = set_up_card(team, content, prefix="/tryghed", kickoff=False)
    assert again.elements == (card.elements[0],)
    assert again.fallback == card.fallback


KICKOFF_WORDS = {
    "da": ("15 minutter", "aldrig til at finde ud af, hvem der svarede hvad", "tryg på kommando"),
    "en": ("15-minute", "never for finding out who answered what", "safe on command"),
}


def test_the_kickoff_says_what_the_results_are_for(
    content: ContentPack, language: Language
) -> None:
    team = a_team(language=language)
    text = " ".join(strings(set_up_card(team, content, prefix="@Tryghed", kickoff=True)))
    for words in KICKOFF_WORDS[language]:
        assert words in text, words
    assert "barometer" not in text.lower()


async def test_status_with_an_open_round(content: ContentPack, language: Language) -> None:
    world = await a_world(content, language)
    round_ = await world.service.open_round(world.team.id)
    status = await answer(world, round_, MEMBERS[:2], 3)
    card = status_card(world.team, status, content)
    t = Texts(content, language)
    (facts,) = only(card, Facts)
    rows = dict(facts.rows)
    assert rows[t("status-state")] == t("status-active")
    assert rows[t("status-round")] == content.text(
        "participation-waiting", language, respondents=2, size=9, k=5
    )
    assert rows[t("pulse-deadline")] == t.moment(round_.closes_at, world.team.settings.zone)
    assert rows[t("status-roles")] == t("status-roles-value", leaders=1, facilitators=0)
    assert card.elements[-1] == Note(t("status-privacy"))


def test_status_without_a_round_and_paused(content: ContentPack, language: Language) -> None:
    team = replace(a_team(), settings=replace(rich_settings(), language=language), paused=True)
    card = status_card(team, None, content)
    t = Texts(content, language)
    (facts,) = only(card, Facts)
    assert facts.rows == (
        (t("status-state"), t("status-paused")),
        (
            t("status-schedule-label"),
            t(
                "status-schedule",
                cadence=t("cadence-weekly"),
                weekday=t("weekday-3"),
                time="14:30",
                zone="America/New_York",
                hours=48,
            ),
        ),
        (t("status-threshold"), t("status-threshold-value", k=7)),
        (t("status-reminders"), t("no")),
        (t("status-roles"), t("status-roles-value", leaders=2, facilitators=1)),
        (t("status-round"), t("status-no-round")),
    )
    assert card.fallback == t("status-title")


def test_the_setup_form_is_filled_in_with_the_current_settings(
    content: ContentPack, language: Language
) -> None:
    current = replace(rich_settings(), language=language)
    form = setup_form("C42", current, content, language)
    t = Texts(content, language)
    assert form.kind is FormKind.SETUP
    assert form.reference == "C42"
    questions = {q.id: q for q in form.questions}
    assert list(questions) == [
        "cadence",
        "weekday",
        "time",
        "timezone",
        "language",
        "round_hours",
        "min_respondents",
        "reminders",
        "leaders",
        "facilitators",
    ]
    threshold = questions["min_respondents"]
    assert threshold.kind is QuestionKind.CHOICE
    assert [c.value for c in threshold.choices] == [str(k) for k in range(3, 11)]
    assert threshold.choices[0].value == str(MIN_RESPONDENTS_FLOOR)
    assert threshold.initial == ("7",)
    assert threshold.hint == f"{t('setup-threshold-hint', floor=3)} {t('setup-threshold-lower')}"
    assert [c.value for c in questions["cadence"].choices] == ["weekly", "biweekly", "monthly"]
    assert questions["cadence"].initial == ("weekly",)
    assert [c.label for c in questions["weekday"].choices] == [t(f"weekday-{d}") for d in range(7)]
    assert questions["weekday"].initial == ("3",)
    assert questions["time"].kind is QuestionKind.TEXT
    assert questions["time"].initial == ("14:30",)
    assert questions["timezone"].initial == ("America/New_York",)
    assert questions["language"].initial == (language,)
    assert [c.value for c in questions["round_hours"].choices] == [str(h) for h in ROUND_HOURS]
    assert questions["round_hours"].initial == ("48",)
    assert questions["reminders"].kind is QuestionKind.SWITCH
    assert questions["reminders"].initial == ()
    assert questions["leaders"].kind is QuestionKind.PEOPLE
    assert questions["leaders"].initial == ("U1", "U2")
    assert questions["facilitators"].initial == ("U3",)
    assert [q.id for q in form.questions if q.optional] == ["reminders", "leaders", "facilitators"]


def test_the_setup_form_leaves_an_unlisted_duration_unselected(
    content: ContentPack, language: Language
) -> None:
    form = setup_form("C1", TeamSettings(round_hours=30), content, language)
    questions = {q.id: q for q in form.questions}
    assert questions["round_hours"].initial == ()
    assert questions["reminders"].initial == ("on",)
    assert questions["leaders"].initial == ()


def test_a_private_note_shows_times_in_the_team_zone(
    content: ContentPack, language: Language
) -> None:
    team = a_team(language=language, timezone="Europe/Copenhagen")
    deadline = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
    card = private_note(Notice("reminder", {"deadline": deadline}), team, content)
    t = Texts(content, language)
    moment = t.moment(deadline, ZoneInfo("Europe/Copenhagen"))
    assert "09:00" in moment
    assert card == notice(t("reminder", deadline=moment))
    other = private_note(Notice("error-close-too-early", {"minutes": 12}), team, content)
    assert other == notice(t("error-close-too-early", minutes=12))


def test_notice_with_and_without_a_title(language: Language) -> None:
    assert notice("Hi") == Card(fallback="Hi", elements=(Paragraph("Hi"),))
    assert notice("Hi", title=language) == Card(
        fallback="Hi", elements=(Heading(language), Paragraph("Hi"))
    )
