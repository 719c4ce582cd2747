"""Property-based fuzzing of POST /api/messages (R3), in the insecure no-auth test mode: hostile
activities never get a 5xx, never store anything and are never logged with their bodies.

Each generated activity is malformed or not allowed by construction (a wrong value, a missing
part, another team's round, a person without a role), so nothing it carries may be stored.
Every fuzzed string carries CANARY, and no log line may contain it. One running app serves
every example of the module; its state is compared before and after each one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.commands.words import Command, Intent, parse
from bot.views.card import Action, FormKind
from tests.bot.fuzzing import CANARY, EXAMPLES, Records, breakages, hostile
from tests.bot.msteams.harness import (
    BOT,
    CHANNEL,
    FACILITATOR,
    MESSAGES,
    PEOPLE,
    TEAM,
    TENANT,
    Teams,
    action,
    running_teams,
)
from tests.bot.msteams.steps import SETUP, set_up, start_pulse
from tests.storage.snapshot import reader, snapshot

# One world for the module, so in one test process (`--dist loadgroup`).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.xdist_group("teams-fuzz"),
]

OTHER_CHANNEL = "19:other-channel-0002@thread.tacv2"


@dataclass
class World:
    """The running app with a team, its open round, a closed one and another team's round."""

    teams: Teams
    engine: AsyncEngine
    records: Records
    open_round: str
    closed_round: str
    other_round: str
    statements: tuple[str, ...]
    asked: dict[str, tuple[str, ...]]  # each known round's statements

    async def post(self, body: bytes, content_type: str = "application/json") -> int:
        """POST a body as it is; the status, once follow-up work has finished."""
        self.records.records.clear()
        response = await self.teams.http.post(
            MESSAGES, data=body, headers={"Content-Type": content_type}
        )
        await response.read()
        await _follow_ups()
        return response.status


async def _follow_ups() -> None:
    """Wait for the work the bot runs after answering an invoke (its count updates)."""
    pending = [
        task
        for task in asyncio.all_tasks()
        if not task.done() and "_later" in getattr(task.get_coro(), "__qualname__", "")
    ]
    if pending:
        await asyncio.wait(pending, timeout=10)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    folder = tmp_path_factory.mktemp("teams-fuzz")
    records = Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(records)
    root.setLevel(logging.INFO)
    try:
        with pytest.MonkeyPatch.context() as monkeypatch:
            async with running_teams(folder, monkeypatch) as teams:
                for channel in (CHANNEL, TEAM, OTHER_CHANNEL):
                    teams.connector.rosters[channel] = list(PEOPLE)
                await teams.install()
                await set_up(teams)
                first = action((await start_pulse(teams)).cards[0], "tryghed_answer")
                closed = str(first["data"]["value"])
                await teams.pulse.close_round(closed)
                current = action((await start_pulse(teams)).cards[0], "tryghed_answer")
                await teams.say(SETUP, person=FACILITATOR, channel=OTHER_CHANNEL)
                await teams.say("pulse", person=FACILITATOR, channel=OTHER_CHANNEL)
                other = action(teams.connector.threads(OTHER_CHANNEL)[0].cards[0], "tryghed_answer")
                round_id = str(current["data"]["value"])
                asked = {
                    r: (await teams.pulse.status(r)).round.statement_ids
                    for r in (round_id, closed, str(other["data"]["value"]))
                }
                engine = reader(f"sqlite+aiosqlite:///{folder / 'tryghed.db'}")
                try:
                    yield World(
                        teams=teams,
                        engine=engine,
                        records=records,
                        open_round=round_id,
                        closed_round=closed,
                        other_round=str(other["data"]["value"]),
                        statements=asked[round_id],
                        asked=asked,
                    )
                finally:
                    await engine.dispose()
    finally:
        root.removeHandler(records)
        root.setLevel(level)


# -- strategies --------------------------------------------------------------------------

odd_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(hostile, inner, max_size=3)
    ),
    max_leaves=6,
)
OFF_SCALE: list[Any] = ["0", "6", "-1", "3.5", "", " 3", "３", "+3", "03", 0, 6, True, None, []]


@st.composite
def strangers(draw: st.DrawFn) -> dict[str, Any]:
    """Someone with no role in any team (or hardly someone at all)."""
    n = draw(st.integers(0, 10**6))
    person: dict[str, Any] = {
        "id": draw(st.one_of(st.just(f"29:{CANARY}{n}"), hostile)),
        "aadObjectId": draw(st.one_of(st.just(f"aad-{CANARY}{n}"), hostile, st.none())),
        "name": draw(hostile),
    }
    return draw(st.one_of(st.just(person), odd_json))


def _activity(
    world: World, kind: str, *, channel: Any, sender: Any, **fields: Any
) -> dict[str, Any]:
    data: Any = {"tenant": {"id": TENANT}, "team": {"id": TEAM}, "channel": {"id": channel}}
    return {
        "type": kind,
        "id": f"f:{CANARY}",
        "serviceUrl": world.teams.connector.service_url,
        "channelId": "msteams",
        "recipient": {"id": BOT, "name": "Tryghed"},
        "conversation": {"id": f"{channel};messageid=1", "conversationType": "channel"},
        "channelData": data,
        "locale": "en-US",
        "from": sender,
        **fields,
    }


def channels() -> st.SearchStrategy[Any]:
    return st.one_of(st.just(CHANNEL), st.just(OTHER_CHANNEL), hostile)


@st.composite
def messages(draw: st.DrawFn, world: World) -> dict[str, Any]:
    """`@Tryghed …` typed by strangers, with hostile text and parts."""
    channel = draw(channels())
    text = draw(
        st.one_of(
            hostile,
            st.sampled_from([c.value for c in Command]).flatmap(
                lambda word: hostile.map(lambda rest: f"<at>Tryghed</at> {word} {rest}")
            ),
        )
    )
    intent = parse(text.replace("<at>Tryghed</at>", ""))
    new_channel = channel not in (CHANNEL, OTHER_CHANNEL)
    if new_channel and isinstance(intent, Intent) and intent.command is Command.SETUP:
        text = f"{CANARY} {text}"  # a stranger may set up a new channel: not malformed
    activity = _activity(
        world,
        "message",
        channel=channel,
        sender=draw(strangers()),
        text=text,
        value=draw(st.one_of(st.none(), odd_json)),
    )
    return _broken(draw, activity)


MUTATIONS = (
    "off-scale",
    "missing",
    "unknown-statement",
    "closed",
    "other-team",
    "unknown-round",
    "other-channel",
    "reference",
    "verb",
)


@st.composite
def answer_invokes(draw: st.DrawFn, world: World) -> dict[str, Any]:
    """A complete answer form for a round, sent by a stranger, broken in one to three ways: a
    refusal must come from the break, not from answers meant for another round."""
    broken = draw(breakages(MUTATIONS))
    round_id: Any = world.open_round
    if "closed" in broken:
        round_id = world.closed_round
    elif "other-team" in broken:
        round_id = world.other_round
    elif "unknown-round" in broken:
        round_id = draw(st.one_of(hostile, st.uuids().map(lambda u: u.hex)))
    statements = world.asked.get(round_id, world.statements)
    data: dict[str, Any] = dict.fromkeys(statements, "4")
    data["reference"] = round_id
    verb = FormKind.ANSWER.value
    channel = OTHER_CHANNEL if round_id == world.other_round else CHANNEL
    for mutation in broken:
        statement = draw(st.sampled_from(statements))
        if mutation == "off-scale":
            data[statement] = draw(st.one_of(st.sampled_from(OFF_SCALE), hostile))
        elif mutation == "missing":
            data.pop(statement, None)
        elif mutation == "unknown-statement":
            data[draw(st.one_of(hostile, st.just("include-99")))] = "3"
        elif mutation == "other-team":
            channel = CHANNEL  # the other team's round, from our team's channel
        elif mutation == "other-channel":
            channel = draw(st.one_of(st.just(OTHER_CHANNEL), hostile))
            if round_id == world.other_round and channel == OTHER_CHANNEL:
                channel = CHANNEL
        elif mutation == "reference":
            data["reference"] = draw(odd_json)
        elif mutation == "verb":
            verb = draw(st.one_of(hostile, st.sampled_from([a.value for a in Action])))
    n = uuid.uuid4().hex[:8]
    sender = {"id": f"29:{CANARY}{n}", "aadObjectId": f"aad-{CANARY}{n}"}
    value = {"action": {"type": "Action.Execute", "verb": verb, "data": data}}
    invoke = _activity(
        world, "invoke", channel=channel, sender=sender, name="adaptiveCard/action", value=value
    )
    return _broken(draw, invoke, keep={"value", "name", "from", "channelData", "conversation"})


@st.composite
def other_activities(draw: st.DrawFn, world: World) -> dict[str, Any]:
    """Invokes, updates and events of every kind, from strangers, with hostile values."""
    kind = draw(
        st.one_of(
            st.sampled_from(["invoke", "conversationUpdate", "messageReaction", "event"]), hostile
        )
    )
    value = {
        "action": {
            "type": "Action.Execute",
            "verb": draw(st.one_of(st.sampled_from([a.value for a in Action]), hostile)),
            "data": {
                "value": draw(
                    st.one_of(
                        st.sampled_from([world.open_round, world.closed_round, world.other_round]),
                        hostile,
                        odd_json,
                    )
                )
            },
        }
    }
    activity = _activity(
        world,
        kind,
        channel=draw(channels()),
        sender=draw(strangers()),
        name=draw(st.one_of(st.just("adaptiveCard/action"), hostile)),
        value=draw(st.one_of(st.just(value), odd_json)),
        membersAdded=draw(st.one_of(st.none(), odd_json)),
    )
    return _broken(draw, activity)


def _broken(
    draw: st.DrawFn, activity: dict[str, Any], *, keep: set[str] | None = None
) -> dict[str, Any]:
    """Up to two parts replaced by odd JSON or left out."""
    parts = sorted(set(activity) - (keep or set()))
    for part in draw(st.sets(st.sampled_from(parts), max_size=2)):
        if draw(st.booleans()):
            activity.pop(part)
        else:
            activity[part] = draw(odd_json)
    return activity


# -- the properties ----------------------------------------------------------------------


async def _refused_cleanly(
    world: World, body: bytes, content_type: str = "application/json"
) -> None:
    before = await snapshot(world.engine)
    status = await world.post(body, content_type)
    assert status < 500, status
    assert await snapshot(world.engine) == before
    assert world.records.leaks() == []
    if status in (400, 415):
        assert any("refused" in r.getMessage() for r in world.records.records)


def _json(activity: Any) -> bytes:
    return json.dumps(activity).encode()


@EXAMPLES
@given(data=st.data())
async def test_fuzzed_messages(world: World, data: st.DataObject) -> None:
    await _refused_cleanly(world, _json(data.draw(messages(world))))


@EXAMPLES
@given(data=st.data())
async def test_fuzzed_answer_forms(world: World, data: st.DataObject) -> None:
    await _refused_cleanly(world, _json(data.draw(answer_invokes(world))))


@EXAMPLES
@given(data=st.data())
async def test_fuzzed_other_activities(world: World, data: st.DataObject) -> None:
    await _refused_cleanly(world, _json(data.draw(other_activities(world))))


@EXAMPLES
@given(
    body=st.one_of(odd_json.map(_json), st.binary(max_size=60).map(lambda b: b + CANARY.encode())),
    content_type=st.sampled_from(["application/json", "text/plain", "application/json; x"]),
)
async def test_fuzzed_bodies(world: World, body: bytes, content_type: str) -> None:
    await _refused_cleanly(world, body, content_type)


async def test_the_round_still_takes_a_proper_answer(world: World) -> None:
    """After all that: the open round counted nothing, and still counts a real answer."""
    assert (await world.teams.pulse.status(world.open_round)).respondents == 0
    data = {**dict.fromkeys(world.statements, "4"), "reference": world.open_round}
    person = PEOPLE[4]
    sender = {"id": person.teams_id, "aadObjectId": person.aad}
    value = {"action": {"type": "Action.Execute", "verb": FormKind.ANSWER.value, "data": data}}
    invoke = _activity(
        world, "invoke", channel=CHANNEL, sender=sender, name="adaptiveCard/action", value=value
    )
    assert await world.post(_json(invoke)) == 200
    assert (await world.teams.pulse.status(world.open_round)).respondents == 1
