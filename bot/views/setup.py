"""The setup form: a team's schedule, language, threshold, reminders and roles."""

from __future__ import annotations

from bot.views.card import Choice, Form, FormKind, Note, Paragraph, Question, QuestionKind
from bot.views.texts import Texts
from content.schema import ContentPack, Language
from surveys.team import MIN_RESPONDENTS_FLOOR, Cadence, TeamSettings

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
