"""The red team's round: six people with known, distinct answers answer, then it closes."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.memory_chat import MemoryChat
from content.loader import default_pack
from storage.unit_of_work import SqlStorage
from surveys import anonymity
from surveys.manual_clock import ManualClock
from surveys.service import PulseService
from surveys.team import ChannelRef, TeamSettings

SECRET = b"red-team-secret-key-0123456789abcdef-0123"
CHANNEL = ChannelRef("slack", "T-REDTEAM", "C-REDTEAM")
PEOPLE = tuple(f"REDTEAM-W0RKER-{n}" for n in range(1, 7))
LURKER = "REDTEAM-LURKER"  # a member who never answers
LEADER = "REDTEAM-BOSS"  # a viewer who never answers
# Each person's answers to the round's four statements: all six differ.
VECTORS = ((1, 2, 3, 4), (2, 3, 4, 5), (3, 4, 5, 1), (4, 5, 1, 2), (5, 1, 2, 3), (5, 5, 1, 1))
ROUND_HOURS = 72
_PACKAGES = {"surveys", "storage", "scheduler", "bot"}

Step = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class Played:
    """What the round was and what each person answered."""

    round_id: str
    answers: dict[str, dict[str, int]]

    def aggregate(self) -> dict[tuple[str, int], int]:
        """How many answered each (statement, value): the only thing a close may store."""
        return dict(Counter((s, v) for mine in self.answers.values() for s, v in mine.items()))


class Traces:
    """The round's salts and participant hashes, learnt by wrapping the functions that make
    them wherever our packages imported them; `needles` are what must never be stored."""

    def __init__(self) -> None:
        self.salts: list[bytes] = []
        self.keys: set[str] = set()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        make_salt, make_key = anonymity.new_salt, anonymity.participant_key

        def new_salt() -> bytes:
            salt = make_salt()
            self.salts.append(salt)
            return salt

        def participant_key(*args: Any, **kwargs: Any) -> str:
            key = make_key(*args, **kwargs)
            self.keys.add(key)
            return key

        for name, module in list(sys.modules.items()):
            if module is None or name.split(".")[0] not in _PACKAGES:
                continue
            if getattr(module, "new_salt", None) is make_salt:
                monkeypatch.setattr(module, "new_salt", new_salt)
            if getattr(module, "participant_key", None) is make_key:
                monkeypatch.setattr(module, "participant_key", participant_key)

    def text_needles(self) -> dict[str, str]:
        """Strings that name a person or link to one, as they would appear in SQL text."""
        assert self.salts, "no salt was made through surveys.anonymity.new_salt"
        everyone = (*PEOPLE, LURKER, LEADER)
        computed = {
            anonymity.participant_key(SECRET, salt, user)
            for salt in self.salts
            for user in everyone
        }
        needles = {salt.hex(): "a round salt" for salt in self.salts}
        needles.update(dict.fromkeys(self.keys | computed, "a participant hash"))
        # The leader's id is in the team's settings by design; the others must be nowhere.
        needles.update(dict.fromkeys((*PEOPLE, LURKER), "a user id"))
        return needles

    def byte_needles(self) -> dict[bytes, str]:
        """The same as bytes, raw and hex-encoded, as they would appear in a file."""
        needles = dict.fromkeys(self.salts, "a round salt (raw)")
        for needle, what in self.text_needles().items():
            needles[needle.encode()] = what
            if what == "a participant hash":
                with suppress(ValueError):  # a hex digest is also stored raw
                    needles[bytes.fromhex(needle)] = "a participant hash (raw)"
        return needles


def service_on(engine: AsyncEngine, clock: ManualClock, secret_key: bytes = SECRET) -> PulseService:
    """The real service on SQL storage, in a channel of the six, a lurker and a leader."""
    return PulseService(
        unit_of_work=SqlStorage(engine),
        clock=clock,
        chat=MemoryChat(members=[*PEOPLE, LURKER, LEADER]),
        content=default_pack(),
        secret_key=secret_key,
    )


async def play_round(service: PulseService, clock: ManualClock, step: Step) -> Played:
    """Set up the team, open a round, let the six answer, remind, close; `step` after each."""
    team = await service.set_up_team(
        CHANNEL, TeamSettings(leaders=frozenset({LEADER}), round_hours=ROUND_HOURS)
    )
    await step("team set up")
    round_ = await service.open_round(team.id)
    await step("opened")
    answers: dict[str, dict[str, int]] = {}
    for person, vector in zip(PEOPLE, VECTORS, strict=True):
        answers[person] = dict(zip(round_.statement_ids, vector, strict=True))
        status = await service.submit(round_.id, user_id=person, answers=answers[person])
        await service.show_participation(status)
        await step(f"answered by {person}")
    await service.remind(round_.id)
    await step("reminded")
    clock.advance(hours=ROUND_HOURS)
    await service.close_round(round_.id)
    await step("closed")
    return Played(round_.id, answers)


async def no_step(_label: str) -> None:
    """A step that does nothing."""


def found_in(blob: bytes, needles: dict[bytes, str]) -> set[str]:
    """What of `needles` occurs in `blob`."""
    return {what for needle, what in needles.items() if needle in blob}
