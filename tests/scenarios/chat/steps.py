"""The steps every scenario takes, on any platform: set a team up, start a pulse, answer it,
close it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from content.loader import default_pack
from surveys.hack_effect import helped_hack
from tests.scenarios.chat.platform import FACILITATOR, SETUP, Card, Platform, Post, form


async def until(check: Callable[[], bool], *, seconds: float = 5.0) -> None:
    """Wait for what the bot does after it answered (the platforms' follow-ups)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the bot")
        await asyncio.sleep(0.01)


async def set_up(platform: Platform, text: str = SETUP) -> Card:
    """The facilitator sets the channel up inline; their private confirmation."""
    return await platform.say(FACILITATOR, text)


async def start_pulse(platform: Platform) -> Post:
    """The facilitator starts a round; the pulse post in the channel."""
    before = len(platform.channel_posts())
    await platform.say(FACILITATOR, "pulse")
    await until(lambda: len(platform.channel_posts()) > before)
    return platform.channel_posts()[-1]


def round_of(pulse: Post) -> str:
    """The round a pulse post is about."""
    return pulse.actions["tryghed_answer"]


async def answer(platform: Platform, pulse: Post, person: str, value: int) -> Card:
    """`person` presses Answer and sends `value` (its mirror on reverse-keyed statements, and
    `value` to whether a done hack helped); what they saw after sending."""
    opened = form(await platform.press(person, "tryghed_answer", pulse))
    bank = default_pack()

    def mirrored(item: str) -> bool:
        return helped_hack(item) is None and bank.statement(item).reverse

    values = {item: str(6 - value if mirrored(item) else value) for item in opened.fields}
    return await platform.submit(person, opened, values)


async def close(platform: Platform) -> Post:
    """An hour on (a round may be closed by hand after an hour), the facilitator closes the
    round; the summary posted in the channel."""
    platform.advance(hours=1)
    before = len(platform.channel_posts())
    await platform.say(FACILITATOR, "close")
    await until(lambda: len(platform.channel_posts()) > before)
    return platform.channel_posts()[-1]
