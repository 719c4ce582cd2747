"""The leader's private side: the prediction form, the perception gap after a close, and the
trap signals for those who run the team."""

from __future__ import annotations

from bot.views.card import (
    Action,
    Button,
    Buttons,
    Card,
    Choice,
    Element,
    Facts,
    Form,
    FormKind,
    Heading,
    Items,
    Note,
    Paragraph,
    Question,
    QuestionKind,
    notice,
)
from bot.views.leader_questions import question_line
from bot.views.results import withheld_text
from bot.views.texts import Texts
from content.schema import ContentPack
from surveys.prediction import PerceptionReport, PillarGap, Prediction, pillars_asked, scale_score
from surveys.rounds import SCALE, Round
from surveys.team import Team
from surveys.traps import TrapNote


def predict_button(round_: Round, t: Texts) -> Button:
    """The button that opens a leader's private prediction form for an open round."""
    return Button(t("predict-button"), Action.PREDICT, round_.id)


def with_predict_button(card: Card, round_: Round, team: Team, content: ContentPack) -> Card:
    """A leader's private trend card with the button to predict the open round."""
    t = Texts(content, team.settings.language)
    return Card(
        fallback=card.fallback, elements=(*card.elements, Buttons((predict_button(round_, t),)))
    )


def prediction_form(
    round_: Round, team: Team, content: ContentPack, earlier: Prediction | None = None
) -> Form:
    """One question per pillar the round asks, on the answer scale people see; a leader's
    earlier prediction is filled in, so that sending again replaces it."""
    t = Texts(content, team.settings.language)
    scale = tuple(
        Choice(str(value), t.of(label)) for value, label in zip(SCALE, content.scale, strict=True)
    )
    questions = []
    for key in pillars_asked(content, round_):
        # The round's first statement on the pillar: a concrete thing to predict the answer to.
        statement = next(
            content.statement(s) for s in round_.statement_ids if content.statement(s).pillar is key
        )
        chosen = earlier.values.get(key) if earlier is not None else None
        questions.append(
            Question(
                id=key.value,
                label=t("predict-question", pillar=t.pillar(key), statement=t.of(statement.text)),
                kind=QuestionKind.SCALE,
                choices=scale,
                initial=(str(chosen),) if chosen is not None else (),
            )
        )
    return Form(
        kind=FormKind.PREDICTION,
        reference=round_.id,
        title=t("predict-form-title"),
        intro=(Paragraph(t("predict-form-intro")),),
        questions=tuple(questions),
        submit=t("predict-submit"),
        cancel=t("form-cancel"),
    )


def prediction_saved(round_: Round, team: Team, content: ContentPack) -> Card:
    """The private confirmation: saved, only the leader sees it, changeable until the close."""
    t = Texts(content, team.settings.language)
    closes = t.moment(round_.closes_at, team.settings.zone)
    return notice(t("predict-saved", deadline=closes), title=t("predict-form-title"))


def perception_card(report: PerceptionReport, team: Team, content: ContentPack) -> Card:
    """One leader's prediction beside the team's result, per pillar; a withheld round says so
    and shows no number and no gap."""
    t = Texts(content, team.settings.language)
    title = t("gap-title")
    if report.withheld is not None:
        text = f"{withheld_text(report.withheld, t)} {t('gap-withheld')}"
        return Card(fallback=f"{title}: {text}", elements=(Heading(title), Paragraph(text)))
    rows = tuple((_gap_label(gap, t), _gap_text(gap, content, t)) for gap in report.gaps)
    elements: list[Element] = [Heading(title), Facts(rows), Note(t("gap-scale"))]
    large = report.large_gaps
    if large:
        elements.append(Items(tuple(question_line(gap.pillar, t) for gap in large)))
    else:
        elements.append(Paragraph(t("gap-none-large")))
    elements.append(Paragraph(t("leader-first-reaction")))
    return Card(fallback=title, elements=tuple(elements))


def _gap_label(gap: PillarGap, t: Texts) -> str:
    name = t.pillar(gap.pillar)
    return f"⚠ {name} · {t('gap-large')}" if gap.large else name


def _gap_text(gap: PillarGap, content: ContentPack, t: Texts) -> str:
    points = gap.shown_points
    if points == 0:
        difference = t("gap-same")
    else:
        difference = t("gap-lower" if gap.gap < 0 else "gap-higher", points=points)
    return t(
        "gap-row",
        predicted=f"{scale_score(gap.predicted):.0f}",
        label=t.of(content.scale[gap.predicted - 1]),
        result=str(round(gap.result)),
        difference=difference,
    )


def trap_card(note: TrapNote, team: Team, content: ContentPack) -> Card:
    """What the trend signals, the traps it may point at (warning signs and advice from the
    content pack), and how to raise it: for the team's leaders and facilitators only."""
    t = Texts(content, team.settings.language)
    title = t("trap-note-title")
    elements: list[Element] = [Heading(title)]
    if note.avoidance:
        elements.append(Paragraph(t("trap-signal-avoidance")))
    elements.extend(Paragraph(t("trap-signal-falling", pillar=t.pillar(k))) for k in note.falling)
    # Every pack describes these traps (content/loader.py checks it).
    traps = {trap.key: trap for trap in content.traps}
    for key in note.traps:
        trap = traps[key.value]
        elements.append(Heading(t.of(trap.name)))
        elements.append(Paragraph(t.of(trap.description)))
        elements.append(Paragraph(t("trap-what-helps", advice=t.of(trap.advice))))
    elements.append(Note(t("trap-note-close")))
    return Card(fallback=title, elements=tuple(elements))
