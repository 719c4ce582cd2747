"""The pulse message in the channel, the private answer form, and what answering says back."""

from __future__ import annotations

from bot.views.card import (
    Action,
    Button,
    Buttons,
    Card,
    Choice,
    Facts,
    Form,
    FormKind,
    Heading,
    Note,
    Paragraph,
    Question,
    QuestionKind,
    notice,
)
from bot.views.leader import predict_button
from bot.views.texts import Texts
from content.schema import ContentPack
from surveys.announcements import PulseStatus, RoundOutcome
from surveys.anonymity import RoundSummary, WithheldSummary
from surveys.hack_effect import helped_hack
from surveys.rounds import SCALE, Round, RoundKind
from surveys.team import Team


def participation_text(t: Texts, status: PulseStatus) -> str:
    """ "6 of 9 have answered – results show once at least 5 (besides …) have", and only ever
    that; it says "enough" only when the results will show whoever answered."""
    key = "participation-enough" if status.enough else "participation-waiting"
    size = status.round.channel_size
    return t(
        key,
        respondents=status.respondents,
        size=size if size is not None else "?",
        k=status.min_respondents,
    )


def pulse_message(status: PulseStatus, content: ContentPack) -> Card:
    """The shared message: what it is, that it is anonymous, the deadline, the count."""
    t = Texts(content, status.team.settings.language)
    participation = participation_text(t, status)
    return _pulse_card(status.team, status.round, status.min_respondents, participation, t)


def closed_pulse(outcome: RoundOutcome, content: ContentPack) -> Card:
    """The shared message once the round has closed: the count only when the results are
    shown; a withheld round's message shows no count (the summary says why it is hidden)."""
    t = Texts(content, outcome.team.settings.language)
    result = outcome.result
    participation = (
        t("participation-enough", respondents=result.respondents, size=result.channel_size or "?")
        if isinstance(result, RoundSummary)
        else None
    )
    k = outcome.team.settings.min_respondents
    if isinstance(result, WithheldSummary):
        k = result.min_respondents
    return _pulse_card(outcome.team, outcome.round, k, participation, t)


def _pulse_card(team: Team, round_: Round, k: int, participation: str | None, t: Texts) -> Card:
    barometer = round_.kind is RoundKind.BAROMETER
    facts = [(t("pulse-deadline"), t.moment(round_.closes_at, team.settings.zone))]
    if participation is not None:
        facts.append((t("pulse-answers"), participation))
    title = t("pulse-title-barometer" if barometer else "pulse-title")
    intro = "pulse-intro-barometer" if barometer else "pulse-intro"
    elements: list[Heading | Paragraph | Facts | Note | Buttons] = [
        Heading(title),
        Paragraph(t(intro, statements=len(round_.statement_ids))),
    ]
    if round_.is_open and round_.restarted_at is not None:
        # The database lost the open round's answers: say so, and ask everyone again.
        elements.append(Paragraph(t("round-restarted")))
    elements += [
        Facts(tuple(facts)),
        Note(t("pulse-anonymous", k=k)),
    ]
    if round_.is_open:
        answer = Button(t("pulse-answer"), Action.ANSWER, round_.id, primary=True)
        # Leaders may predict the result privately; a team without leaders has no such button.
        predict = (predict_button(round_, t),) if team.settings.leaders else ()
        elements.append(Buttons((answer, *predict)))
    else:
        elements.append(Note(t("pulse-closed")))
    fallback = title if participation is None else f"{title} – {participation}"
    return Card(fallback=fallback, elements=tuple(elements))


def answer_form(round_: Round, team: Team, content: ContentPack) -> Form:
    """One question per statement (and, after a done hack, whether it helped), each on the
    1-5 agree scale."""
    t = Texts(content, team.settings.language)
    scale = tuple(
        Choice(str(value), t.of(label)) for value, label in zip(SCALE, content.scale, strict=True)
    )
    return Form(
        kind=FormKind.ANSWER,
        reference=round_.id,
        title=t("form-title"),
        intro=(
            Paragraph(t("form-intro")),
            Note(t("pulse-anonymous", k=team.settings.min_respondents)),
        ),
        questions=tuple(
            Question(
                id=statement_id,
                label=_label(statement_id, t),
                kind=QuestionKind.SCALE,
                choices=scale,
            )
            for statement_id in round_.statement_ids
        ),
        submit=t("form-submit"),
        cancel=t("form-cancel"),
    )


def _label(item_id: str, t: Texts) -> str:
    """A statement's text, or the "did it help" item's about the hack it names."""
    hack_id = helped_hack(item_id)
    if hack_id is None:
        return t.of(t.content.statement(item_id).text)
    return t("hack-helped-item", hack=t.of(t.content.hack(hack_id).title))


def thanks(status: PulseStatus, content: ContentPack) -> Card:
    """The private confirmation after answering."""
    t = Texts(content, status.team.settings.language)
    closes = t.moment(status.round.closes_at, status.team.settings.zone)
    return notice(t("answer-thanks", deadline=closes), title=t("form-title"))
