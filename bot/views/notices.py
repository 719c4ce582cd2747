"""Private notes the domain asks for (the reminder, a leader's gap, a trap signal), in the
team's language and time zone."""

from __future__ import annotations

from datetime import datetime

from bot.views.card import Card, notice
from bot.views.leader import perception_card, trap_card
from bot.views.texts import Texts
from content.schema import ContentPack
from surveys.announcements import PrivateNote
from surveys.prediction import PerceptionReport
from surveys.team import Team
from surveys.traps import TrapNote


def private_note(note: PrivateNote, team: Team, content: ContentPack) -> Card:
    """The note's card: a leader's perception gap, a trap signal, or a message with times
    shown in the team's zone."""
    if isinstance(note, PerceptionReport):
        return perception_card(note, team, content)
    if isinstance(note, TrapNote):
        return trap_card(note, team, content)
    t = Texts(content, team.settings.language)
    values = {
        name: t.moment(value, team.settings.zone) if isinstance(value, datetime) else value
        for name, value in note.values.items()
    }
    return notice(t(note.key, **values))
