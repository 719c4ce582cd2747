"""The leader's private cards: the prediction form, the gap, the trap note, leader questions."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.views.card import (
    Action,
    Buttons,
    Facts,
    FormKind,
    Heading,
    Items,
    Note,
    Paragraph,
    QuestionKind,
)
from bot.views.leader import (
    perception_card,
    prediction_form,
    trap_card,
    with_predict_button,
)
from bot.views.leader_questions import leader_questions
from bot.views.results import trend_report
from bot.views.texts import Texts
from content.schema import ContentPack, Language, PillarKey
from surveys.prediction import (
    LARGE_GAP_POINTS,
    PerceptionReport,
    PillarGap,
    Prediction,
    perception_report,
)
from surveys.scoring import Change
from surveys.traps import TrapNote
from tests.bot.views.samples import LANGUAGES, WEEK0, a_summary, a_trend, a_withheld, even
from tests.builders import a_round, a_team

pytestmark = pytest.mark.parametrize("language", LANGUAGES)


def test_the_form_asks_each_pillar_on_the_answer_scale(
    content: ContentPack, language: Language
) -> None:
    team = a_team(language=language)
    round_ = a_round(team)
    t = Texts(content, language)
    form = prediction_form(round_, team, content)
    assert form.kind is FormKind.PREDICTION
    assert form.reference == round_.id
    assert [q.id for q in form.questions] == [p.value for p in PillarKey]
    for question in form.questions:
        assert question.kind is QuestionKind.SCALE
        assert [c.label for c in question.choices] == [t.of(label) for label in content.scale]
        assert question.initial == ()
    earlier = Prediction(round_.id, team.id, "U-lead", {**dict.fromkeys(PillarKey, 2)})
    again = prediction_form(round_, team, content, earlier)
    assert [q.initial for q in again.questions] == [("2",)] * 4


def test_the_gap_card_flags_large_gaps_with_their_leader_question(
    content: ContentPack, language: Language
) -> None:
    team = a_team(language=language)
    t = Texts(content, language)
    report = PerceptionReport(
        round_id="r",
        gaps=(
            PillarGap(PillarKey.INCLUDE, predicted=4, result=70.0),
            PillarGap(PillarKey.CHALLENGE, predicted=4, result=40.0),
        ),
    )
    card = perception_card(report, team, content)
    assert card.elements[0] == Heading(t("gap-title"))
    (facts,) = [e for e in card.elements if isinstance(e, Facts)]
    assert facts.rows[0][0] == t.pillar(PillarKey.INCLUDE)
    assert facts.rows[1][0] == f"⚠ {t.pillar(PillarKey.CHALLENGE)} · {t('gap-large')}"
    assert facts.rows[1][1] == t(
        "gap-row",
        predicted="75",
        label=t.of(content.scale[3]),
        result="40",
        difference=t("gap-lower", points=35),
    )
    question = t.of(content.pillar(PillarKey.CHALLENGE).leader_question)
    assert Items((t("gap-question", pillar=t.pillar(PillarKey.CHALLENGE), question=question),)) in (
        card.elements
    )
    assert card.elements[-1] == Paragraph(t("leader-first-reaction"))


def test_no_large_gap_asks_no_question(content: ContentPack, language: Language) -> None:
    t = Texts(content, language)
    report = PerceptionReport(round_id="r", gaps=(PillarGap(PillarKey.LEARN, 3, 50.0),))
    card = perception_card(report, a_team(language=language), content)
    assert not [e for e in card.elements if isinstance(e, Items)]
    assert Paragraph(t("gap-none-large")) in card.elements
    (facts,) = [e for e in card.elements if isinstance(e, Facts)]
    assert t("gap-same") in facts.rows[0][1]


def test_a_withheld_round_shows_no_number(content: ContentPack, language: Language) -> None:
    prediction = Prediction("r", "t", "U-lead", dict.fromkeys(PillarKey, 5))
    report = perception_report(prediction, a_withheld(respondents=4))
    card = perception_card(report, a_team(language=language), content)
    assert [type(e) for e in card.elements] == [Heading, Paragraph]
    text = " ".join(e.text for e in card.elements if isinstance(e, Heading | Paragraph))
    assert set(re.findall(r"\d+", text + card.fallback)) == {"5"}  # k, nothing of the round


def test_the_trap_note_shows_the_traps_warning_signs_and_advice(
    content: ContentPack, language: Language
) -> None:
    t = Texts(content, language)
    card = trap_card(
        TrapNote(avoidance=True, falling=(PillarKey.CHALLENGE,)),
        a_team(language=language),
        content,
    )
    assert Paragraph(t("trap-signal-avoidance")) in card.elements
    assert Paragraph(t("trap-signal-falling", pillar=t.pillar(PillarKey.CHALLENGE))) in (
        card.elements
    )
    for trap in content.traps:  # avoidance, resistance and stress: all three named
        assert Heading(t.of(trap.name)) in card.elements
        assert Paragraph(t.of(trap.description)) in card.elements
        assert Paragraph(t("trap-what-helps", advice=t.of(trap.advice))) in card.elements
    assert card.elements[-1] == Note(t("trap-note-close"))


def test_leader_questions_only_for_a_notable_drop(content: ContentPack, language: Language) -> None:
    team = a_team(language=language)
    t = Texts(content, language)
    small = {PillarKey.LEARN: Change(delta=-5, notable=False, since=WEEK0)}
    rise = {PillarKey.LEARN: Change(delta=+20, notable=True, since=WEEK0)}
    for changes in (small, rise):
        trend = a_trend([a_summary(even(60)), a_summary(even(60), changes=changes)])
        assert leader_questions(trend, team, content) == ()
    drop = {PillarKey.INCLUDE: Change(delta=-20, notable=True, since=WEEK0)}
    trend = a_trend([a_summary(even(60)), a_summary(even(40), changes=drop)])
    elements = leader_questions(trend, team, content)
    question = t.of(content.pillar(PillarKey.INCLUDE).leader_question)
    assert elements == (
        Heading(t("leader-question-title")),
        Items((t("gap-question", pillar=t.pillar(PillarKey.INCLUDE), question=question),)),
        Paragraph(t("leader-first-reaction")),
    )
    # Appended at the end of the private trend card.
    assert trend_report(trend, team, content).elements[-3:] == elements


def test_a_leaders_trend_card_gets_the_predict_button(
    content: ContentPack, language: Language
) -> None:
    team = a_team(language=language)
    round_ = a_round(team)
    card = trend_report(a_trend([]), team, content)
    with_button = with_predict_button(card, round_, team, content)
    assert with_button.elements[:-1] == card.elements
    last = with_button.elements[-1]
    assert isinstance(last, Buttons)
    (button,) = last.buttons
    assert (button.action, button.value) == (Action.PREDICT, round_.id)


@given(
    predicted=st.integers(min_value=1, max_value=5),
    result=st.floats(min_value=0, max_value=100, allow_nan=False),
)
def test_the_gap_card_never_contradicts_its_own_numbers(
    content: ContentPack, language: Language, predicted: int, result: float
) -> None:
    """The words (how many points, lower or higher, large) follow the numbers shown."""
    t = Texts(content, language)
    report = PerceptionReport(round_id="r", gaps=(PillarGap(PillarKey.LEARN, predicted, result),))
    card = perception_card(report, a_team(language=language), content)
    (facts,) = [e for e in card.elements if isinstance(e, Facts)]
    ((label, text),) = facts.rows
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    guess, shown, points = numbers[0], numbers[1], numbers[2:] or [0]
    assert points[0] == abs(shown - guess)
    if shown < guess:
        assert text.endswith(t("gap-lower", points=guess - shown))
    elif shown > guess:
        assert text.endswith(t("gap-higher", points=shown - guess))
    else:
        assert text.endswith(t("gap-same"))
    assert (t("gap-large") in label) == (abs(shown - guess) >= LARGE_GAP_POINTS)
