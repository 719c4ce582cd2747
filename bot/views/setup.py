"""The setup form (a team's schedule, language, threshold, reminders and roles), what a
saved setup says back, and the kickoff that begins a new team's work."""

from __future__ import annotations

from bot.views.card import (
    Card,
    Choice,
    Element,
    Form,
    FormKind,
    Heading,
    Items,
    Note,
    Paragraph,
    Question,
    QuestionKind,
)
from bot.views.texts import Texts
from content.schema import ContentPack, Language
from surveys.team import MIN_RESPONDENTS_FLOOR, Cadence, Team, TeamSettings

ROUND_HOURS = (24, 48, 72, 96, 120, 168)
THRESHOLDS = tuple(range(MIN_RESPONDENTS_FLOOR, 11))


def setup_form(
    channel_id: str, current: TeamSettings, content: ContentPack, language: Language
) -> Form:
    """The form, filled in with the current settings; `channel_id` comes back with it."""
    t = Texts(content, language)
    return Form(
        kind=FormKind.SETUP,
        reference=channel_id,
        title=t("setup-title"),
        intro=(Paragraph(t("setup-intro")), Note(t("setup-privacy"))),
        questions=(
            Question(
                "cadence",
                t("setup-cadence"),
                QuestionKind.CHOICE,
                tuple(Choice(c.value, t(f"cadence-{c.value}")) for c in Cadence),
                (current.cadence.value,),
            ),
            Question(
                "weekday",
                t("setup-weekday"),
                QuestionKind.CHOICE,
                tuple(Choice(str(d), t(f"weekday-{d}")) for d in range(7)),
                (str(current.weekday),),
            ),
            Question(
                "time",
                t("setup-time"),
                QuestionKind.TEXT,
                initial=(current.local_time.strftime("%H:%M"),),
                hint=t("setup-time-hint"),
            ),
            Question(
                "timezone",
                t("setup-timezone"),
                QuestionKind.TEXT,
                initial=(current.timezone,),
                hint=t("setup-timezone-hint"),
            ),
            Question(
                "language",
                t("setup-language"),
                QuestionKind.CHOICE,
                (Choice("da", "Dansk"), Choice("en", "English")),
                (current.language,),
            ),
            Question(
                "round_hours",
                t("setup-round-hours"),
                QuestionKind.CHOICE,
                tuple(Choice(str(h), t("setup-hours", hours=h)) for h in ROUND_HOURS),
                (str(current.round_hours),) if current.round_hours in ROUND_HOURS else (),
            ),
            Question(
                "min_respondents",
                t("setup-threshold"),
                QuestionKind.CHOICE,
                tuple(Choice(str(k), str(k)) for k in THRESHOLDS),
                (str(current.min_respondents),),
                # A round is gated with the larger of its k at opening and k now: lowering
                # k never shows a round that was hidden, and the form says so.
                hint=f"{t('setup-threshold-hint', floor=MIN_RESPONDENTS_FLOOR)} "
                f"{t('setup-threshold-lower')}",
            ),
            Question(
                "reminders",
                t("setup-reminders"),
                QuestionKind.SWITCH,
                (Choice("on", t("setup-reminders-on")),),
                ("on",) if current.reminders else (),
                optional=True,
            ),
            Question(
                "leaders",
                t("setup-leaders"),
                QuestionKind.PEOPLE,
                initial=tuple(sorted(current.leaders)),
                hint=t("setup-leaders-hint"),
                optional=True,
            ),
            Question(
                "facilitators",
                t("setup-facilitators"),
                QuestionKind.PEOPLE,
                initial=tuple(sorted(current.facilitators)),
                optional=True,
            ),
        ),
        submit=t("setup-save"),
        cancel=t("form-cancel"),
    )


def set_up_card(team: Team, content: ContentPack, *, prefix: str, kickoff: bool) -> Card:
    """The saved schedule; for a new team, followed by the kickoff the facilitator runs."""
    settings = team.settings
    t = Texts(content, settings.language)
    done = t(
        "setup-done",
        cadence=t(f"cadence-{settings.cadence}"),
        weekday=t(f"weekday-{settings.weekday}"),
        time=settings.local_time.strftime("%H:%M"),
        zone=settings.timezone,
        k=settings.min_respondents,
        prefix=prefix,
    )
    elements: list[Element] = [Paragraph(done)]
    if kickoff:
        elements += kickoff_elements(content, settings, prefix=prefix)
    return Card(fallback=done, elements=tuple(elements))


def kickoff_elements(
    content: ContentPack, settings: TeamSettings, *, prefix: str
) -> tuple[Element, ...]:
    """A 15-minute first meeting, walking the four steps, and how anonymity works."""
    t = Texts(content, settings.language)
    return (
        Heading(t("kickoff-title")),
        Paragraph(t("kickoff-intro")),
        Items(
            tuple(
                f"{t.of(step.name)}: {t(f'kickoff-{step.key}', prefix=prefix)}"
                for step in content.steps
            ),
            numbered=True,
        ),
        Note(t("kickoff-anonymity", k=settings.min_respondents)),
    )
