"""The leader's own questions, one per pillar: on the private trend card when a pillar dropped,
and beside a large perception gap."""

from __future__ import annotations

from bot.views.card import Element, Heading, Items, Paragraph
from bot.views.texts import Texts
from content.schema import ContentPack, PillarKey
from surveys.scoring import Direction
from surveys.team import Team
from surveys.trend import Trend


def question_line(pillar: PillarKey, t: Texts) -> str:
    """The pillar and its leader question, e.g. "Udfordre – spørg dig selv: Hvornår …?"."""
    question = t.of(t.content.pillar(pillar).leader_question)
    return t("gap-question", pillar=t.pillar(pillar), question=question)


def leader_questions(trend: Trend, team: Team, content: ContentPack) -> tuple[Element, ...]:
    """For the private trend card: each pillar that dropped notably in the latest reportable
    round, with its leader question, and the line about the first reaction; nothing otherwise."""
    t = Texts(content, team.settings.language)
    dropped = [
        key for key, change in trend.latest_changes.items() if change.direction is Direction.DOWN
    ]
    if not dropped:
        return ()
    questions = tuple(question_line(key, t) for key in PillarKey if key in dropped)
    return (
        Heading(t("leader-question-title")),
        Items(questions),
        Paragraph(t("leader-first-reaction")),
    )
