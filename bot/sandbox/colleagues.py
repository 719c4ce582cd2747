"""The pretend colleagues answer the open pulse: each opens the same answer form a person
gets and sends it through the same entry point, so the service cannot tell them apart."""

from __future__ import annotations

import random
from collections.abc import Sequence

from bot.commands.access import Actor
from bot.commands.handler import CommandHandler
from bot.sandbox.people import COLLEAGUES, origin
from content.schema import Language
from surveys.rounds import SCALE

RANDOMLY = "random"
ALIKE = tuple(str(point) for point in SCALE)


async def let_answer(
    handler: CommandHandler,
    round_id: str,
    *,
    count: int,
    how: str,
    language: Language,
    besides: str,
    rng: random.Random | None = None,
) -> int:
    """Up to `count` colleagues (never `besides`, the one being played) who have not answered
    yet answer `round_id`, each point at random or all `how`; how many did."""
    if how != RANDOMLY and how not in ALIKE:
        raise ValueError(f"unknown way to answer: {how!r}")
    # Pretend answers, not secrets: the standard generator is what they need.
    pick = rng or random.Random()  # noqa: S311
    answered = 0
    for person in _others(besides):
        if answered >= count:
            break
        actor = Actor(user_id=person, language=language)
        opened = await handler.open_answer_form(round_id, actor, language, origin=origin())
        if opened.form is None:
            continue  # answered already, or the round has closed
        answers = {
            question.id: pick.choice(question.choices).value if how == RANDOMLY else how
            for question in opened.form.questions
        }
        reply = await handler.submit_answers(round_id, actor, answers, language, origin=origin())
        if reply.after is None:
            continue  # refused (the round closed meanwhile): nothing was counted
        await reply.after()
        answered += 1
    return answered


def _others(besides: str) -> Sequence[str]:
    return [person.id for person in COLLEAGUES if person.id != besides]
