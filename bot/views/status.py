"""`status`: the team's settings and the open round's participation, privately."""

from __future__ import annotations

from bot.views.card import Card, Facts, Heading, Note
from bot.views.pulse import participation_text
from bot.views.texts import Texts
from content.schema import ContentPack
from surveys.announcements import PulseStatus
from surveys.team import Team


def status_card(team: Team, open_round: PulseStatus | None, content: ContentPack) -> Card:
    """Schedule, language, threshold, reminders, roles, and the open round if there is one."""
    settings = team.settings
    t = Texts(content, settings.language)
    schedule = t(
        "status-schedule",
        cadence=t(f"cadence-{settings.cadence}"),
        weekday=t(f"weekday-{settings.weekday}"),
        time=settings.local_time.strftime("%H:%M"),
        zone=settings.timezone,
        hours=settings.round_hours,
    )
    rows = [
        (t("status-state"), t("status-paused" if team.paused else "status-active")),
        (t("status-schedule-label"), schedule),
        (t("status-threshold"), t("status-threshold-value", k=settings.min_respondents)),
        (t("status-reminders"), t("yes" if settings.reminders else "no")),
        (
            t("status-roles"),
            t(
                "status-roles-value",
                leaders=len(settings.leaders),
                facilitators=len(settings.facilitators),
            ),
        ),
    ]
    if open_round is None:
        rows.append((t("status-round"), t("status-no-round")))
    else:
        round_ = open_round.round
        rows.append(
            (
                t("status-round"),
                participation_text(t, open_round),
            )
        )
        rows.append((t("pulse-deadline"), t.moment(round_.closes_at, settings.zone)))
    return Card(
        fallback=t("status-title"),
        elements=(Heading(t("status-title")), Facts(tuple(rows)), Note(t("status-privacy"))),
    )
