"""Private notes the domain asks for (the reminder), in the team's language and time zone."""

from __future__ import annotations

from datetime import datetime

from bot.views.card import Card, notice
from bot.views.texts import Texts
from content.schema import ContentPack
from surveys.announcements import Notice
from surveys.team import Team


def private_note(note: Notice, team: Team, content: ContentPack) -> Card:
    """The note's message, with times shown in the team's zone."""
    t = Texts(content, team.settings.language)
    values = {
        name: t.moment(value, team.settings.zone) if isinstance(value, datetime) else value
        for name, value in note.values.items()
    }
    return notice(t(note.key, **values))
