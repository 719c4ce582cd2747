"""Property-based fuzzing of POST /slack/events (R3): signed, hostile payloads never get a 5xx,
never store anything, and are never logged with their bodies.

Every request is correctly signed, so the fuzz reaches bolt's listeners and our code. Each
generated request is malformed or not allowed by construction (a wrong value, a missing part,
another team's round, a person without the right role): nothing it carries may be stored.
Every fuzzed string carries CANARY, and no log line may contain it.

One running app serves every example of the module (Hypothesis runs many examples per test
function, and function-scoped fixtures would be shared between them anyway).
"""

from __future__ import annotations

import hmac
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.commands.words import Command, Intent, parse
from bot.views.card import Action, FormKind
from content.loader import default_pack
from surveys.team import ChannelRef, TeamSettings
from tests.bot.fuzzing import CANARY, EXAMPLES, Records, breakages, hostile
from tests.bot.slack.conftest import FACILITATOR, PEOPLE
from tests.bot.slack.harness import (
    CHANNEL,
    SIGNING_SECRET,
    WORKSPACE,
    Slack,
    running_slack,
    settle,
    signed,
)
from tests.bot.slack.steps import button, set_up, start_pulse
from tests.storage.snapshot import Snapshot, reader, snapshot

# One world for the module, so in one test process (`--dist loadgroup`).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.xdist_group("slack-fuzz"),
]

OTHER_CHANNEL = "C0002"


@dataclass
class World:
    """The running app with a team, its open round, a closed one and another team's round."""

    slack: Slack
    engine: AsyncEngine
    records: Records
    open_round: str
    closed_round: str
    other_round: str
    statements: tuple[str, ...]
    asked: dict[str, tuple[str, ...]]  # each known round's statements
    hacks: tuple[str, ...] = field(default_factory=tuple)

    async def post(self, body: str | bytes, content_type: str) -> int:
        """POST a signed body; the status, once every listener it started has finished."""
        self.records.records.clear()
        raw = body.encode() if isinstance(body, str) else body
        timestamp = str(int(time.time()))
        digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{timestamp}:".encode() + raw, "sha256")
        headers = {
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": f"v0={digest.hexdigest()}",
            "Content-Type": content_type,
        }
        response = await self.slack.http.post("/slack/events", data=body, headers=headers)
        await response.read()
        await settle()
        return response.status


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    folder = tmp_path_factory.mktemp("slack-fuzz")
    records = Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(records)
    root.setLevel(logging.INFO)
    try:
        with pytest.MonkeyPatch.context() as monkeypatch:
            async with running_slack(folder, monkeypatch) as slack:
                slack.api.channel_members[CHANNEL] = [*PEOPLE, "UBOT"]
                slack.api.channel_members[OTHER_CHANNEL] = list(PEOPLE)
                await set_up(slack)
                first = button((await start_pulse(slack)).args, "tryghed_answer")["value"]
                await slack.pulse.close_round(first)
                team = await slack.pulse.team_in(ChannelRef("slack", WORKSPACE, CHANNEL))
                current = await slack.pulse.open_round(team.id)
                other = await slack.pulse.set_up_team(
                    ChannelRef("slack", WORKSPACE, OTHER_CHANNEL), TeamSettings()
                )
                other_round = await slack.pulse.open_round(other.id)
                engine = reader(f"sqlite+aiosqlite:///{folder / 'tryghed.db'}")
                try:
                    yield World(
                        slack=slack,
                        engine=engine,
                        records=records,
                        open_round=current.id,
                        closed_round=first,
                        other_round=other_round.id,
                        statements=current.statement_ids,
                        asked={
                            r.id: r.statement_ids
                            for r in (
                                current,
                                other_round,
                                (await slack.pulse.status(first)).round,
                            )
                        },
                        hacks=tuple(h.id for h in default_pack().hacks[:3]),
                    )
                finally:
                    await engine.dispose()
                slack.api.assert_clean()
    finally:
        root.removeHandler(records)
        root.setLevel(level)


# -- strategies --------------------------------------------------------------------------

# Fuzzed text: anything at all, marked so that a log line quoting it is found.
# Ids that are not Slack's own (people here never have a role in any team).
strangers = st.one_of(st.just(""), hostile, st.integers(0, 10**6).map(lambda n: f"U{CANARY}{n}"))
odd_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(hostile, inner, max_size=3)
    ),
    max_leaves=6,
)
OFF_SCALE = ["0", "6", "-1", "3.5", "", "1e0", " 3", "３", "٣", "03", "+3", "True", "10**9"]


def channels() -> st.SearchStrategy[str]:
    return st.one_of(st.just(CHANNEL), st.just(OTHER_CHANNEL), hostile, st.just(""))


def _drop(fields: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k not in keys}


@st.composite
def slash_commands(draw: st.DrawFn, world: World) -> str:
    """`/tryghed …` from people without a role, with hostile fields and parts missing."""
    channel = draw(channels())
    text = draw(
        st.one_of(
            hostile,
            st.sampled_from([c.value for c in Command]).flatmap(
                lambda word: hostile.map(lambda rest: f"{word} {rest}")
            ),
            st.sampled_from([c.value for c in Command]),
        )
    )
    intent = parse(text)
    if channel != CHANNEL and isinstance(intent, Intent) and intent.command is Command.SETUP:
        # A stranger may set up a channel that is no team yet: not malformed, so not fuzzed.
        text = f"{CANARY} {text}"
    fields = {
        "token": "legacy",
        "team_id": draw(st.one_of(st.just(WORKSPACE), hostile, st.just(""))),
        "channel_id": channel,
        "user_id": draw(strangers),
        "command": draw(st.one_of(st.just("/tryghed"), hostile)),
        "text": text,
        "response_url": world.slack.api.response_url("fuzz"),
        "trigger_id": draw(hostile),
    }
    return urlencode(_drop(fields, draw(st.sets(st.sampled_from(sorted(fields)), max_size=3))))


@st.composite
def block_actions(draw: st.DrawFn, world: World) -> str:
    """Button presses by people without a role, on any round, hack or nothing at all."""
    action: Any = {
        "type": draw(st.sampled_from(["button", "static_select", CANARY])),
        "action_id": draw(st.one_of(st.sampled_from([a.value for a in Action]), hostile)),
        "block_id": draw(hostile),
        "value": draw(
            st.one_of(
                st.sampled_from(
                    [world.open_round, world.closed_round, world.other_round, *world.hacks]
                ),
                st.uuids().map(lambda u: u.hex),
                hostile,
            )
        ),
    }
    if draw(st.booleans()):
        action = _drop(action, draw(st.sets(st.sampled_from(sorted(action)), max_size=2)))
    actions: Any = draw(st.one_of(st.just([action]), st.just([]), odd_json.map(lambda j: [j])))
    channel = draw(channels())
    payload: Any = {
        "type": "block_actions",
        "team": {"id": draw(st.one_of(st.just(WORKSPACE), hostile))},
        "user": {"id": draw(strangers), "team_id": WORKSPACE},
        "api_app_id": "A0001",
        "trigger_id": draw(hostile),
        "container": {"type": "message", "channel_id": channel},
        "channel": {"id": channel},
        "message": {"ts": draw(hostile)},
        "response_url": world.slack.api.response_url("fuzz"),
        "actions": actions,
    }
    payload = _drop(payload, draw(st.sets(st.sampled_from(["team", "user", "channel"]))))
    return urlencode({"payload": json.dumps(payload)})


MUTATIONS = (
    "off-scale",
    "missing",
    "unknown-statement",
    "closed",
    "other-team",
    "unknown-round",
    "other-channel",
    "metadata",
    "callback",
    "no-user",
)


def aimed_at(world: World, broken: set[str], draw: st.DrawFn) -> str:
    """The round a broken answer names."""
    if "closed" in broken:
        return world.closed_round
    if "other-team" in broken:
        return world.other_round
    if "unknown-round" in broken:
        return draw(st.one_of(hostile, st.uuids().map(lambda u: u.hex)))
    return world.open_round


@st.composite
def answer_forms(draw: st.DrawFn, world: World) -> str:
    """A complete answer form for a round (answers that would fit it), broken in one to three
    ways: a refusal must come from the break, not from answers meant for another round."""
    broken = draw(breakages(MUTATIONS))
    round_id = aimed_at(world, broken, draw)
    statements = world.asked.get(round_id, world.statements)
    answers: dict[str, Any] = dict.fromkeys(statements, "4")
    channel = OTHER_CHANNEL if round_id == world.other_round else CHANNEL
    callback, metadata = FormKind.ANSWER.value, None
    user: Any = f"U{CANARY}{uuid.uuid4().hex[:8]}"
    for mutation in broken:
        statement = draw(st.sampled_from(statements))
        if mutation == "off-scale":
            answers[statement] = draw(st.one_of(st.sampled_from(OFF_SCALE), hostile))
        elif mutation == "missing":
            answers.pop(statement, None)
        elif mutation == "unknown-statement":
            answers[draw(st.one_of(hostile, st.just("include-99")))] = "3"
        elif mutation == "other-team":
            channel = CHANNEL  # the other team's round, from our team's channel
        elif mutation == "other-channel":
            channel = draw(st.one_of(st.just(OTHER_CHANNEL), hostile, st.just("")))
            if round_id == world.other_round and channel == OTHER_CHANNEL:
                channel = CHANNEL
        elif mutation == "metadata":
            metadata = draw(odd_json.map(json.dumps) | hostile)
        elif mutation == "callback":
            callback = draw(hostile)
        elif mutation == "no-user":
            user = draw(st.sampled_from(["", None, 7]))
    state = {
        block: {"value": {"type": "radio_buttons", "selected_option": {"value": value}}}
        for block, value in answers.items()
    }
    if metadata is None:
        metadata = json.dumps({"round": round_id, "channel": channel})
    return _view_submission(callback, metadata, state, user)


@st.composite
def setup_forms(draw: st.DrawFn) -> str:
    """The setup form from someone without a role, or with a time that is no time."""
    state: dict[str, Any] = {
        name: {"value": draw(odd_json)}
        for name in draw(
            st.sets(st.sampled_from(["cadence", "weekday", "language", "leaders", CANARY]))
        )
    }
    if draw(st.booleans()):
        channel, user = CHANNEL, draw(strangers)
    else:
        channel, user = draw(st.one_of(hostile, st.just("C0NEW"))), FACILITATOR
        state["time"] = {"value": {"type": "plain_text_input", "value": draw(hostile)}}
    return _view_submission(FormKind.SETUP.value, channel, state, user)


def _view_submission(callback: str, metadata: str, state: Any, user: Any) -> str:
    payload = {
        "type": "view_submission",
        "team": {"id": WORKSPACE},
        "user": {"id": user, "team_id": WORKSPACE},
        "api_app_id": "A0001",
        "trigger_id": f"t-{CANARY}",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": callback,
            "private_metadata": metadata,
            "state": {"values": state},
        },
    }
    return urlencode({"payload": json.dumps(payload)})


@st.composite
def events(draw: st.DrawFn) -> str:
    """Events API callbacks with hostile events (and bodies that are barely callbacks)."""
    event: Any = {
        "type": draw(st.one_of(st.sampled_from(["app_home_opened", "message"]), hostile)),
        "user": draw(strangers),
        "tab": draw(st.one_of(st.sampled_from(["home", "messages"]), hostile)),
        "channel": draw(channels()),
        "text": draw(hostile),
    }
    body: Any = {
        "token": "legacy",
        "team_id": draw(st.one_of(st.just(WORKSPACE), hostile)),
        "api_app_id": "A0001",
        "type": draw(st.one_of(st.just("event_callback"), hostile)),
        "event": draw(st.one_of(st.just(event), odd_json)),
        "event_id": f"Ev{CANARY}{uuid.uuid4().hex}",
        "event_time": draw(st.one_of(st.integers(), hostile)),
    }
    return json.dumps(_drop(body, draw(st.sets(st.sampled_from(sorted(body)), max_size=2))))


garbage_forms = st.one_of(
    hostile,
    hostile.map(lambda text: urlencode({"payload": text})),
    odd_json.map(lambda j: urlencode({"payload": json.dumps(j)})),
    st.dictionaries(hostile, hostile, max_size=4).map(urlencode),
)
garbage_json = st.one_of(hostile, odd_json.map(json.dumps))
# Bytes that are no text at all (signed all the same).
garbage_bytes = st.binary(max_size=60).map(lambda b: b + CANARY.encode())


# -- the properties ----------------------------------------------------------------------


async def _refused_cleanly(world: World, body: str | bytes, content_type: str) -> None:
    before: Snapshot = await snapshot(world.engine)
    status = await world.post(body, content_type)
    assert status < 500, status
    assert await snapshot(world.engine) == before
    assert world.records.leaks() == []
    if status >= 400:
        assert any("refused" in r.getMessage() for r in world.records.records), status


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@EXAMPLES
@given(data=st.data())
async def test_fuzzed_commands(world: World, data: st.DataObject) -> None:
    await _refused_cleanly(world, data.draw(slash_commands(world)), FORM)


@EXAMPLES
@given(data=st.data())
async def test_fuzzed_button_presses(world: World, data: st.DataObject) -> None:
    await _refused_cleanly(world, data.draw(block_actions(world)), FORM)


@EXAMPLES
@given(data=st.data())
async def test_fuzzed_answer_forms(world: World, data: st.DataObject) -> None:
    await _refused_cleanly(world, data.draw(answer_forms(world)), FORM)


@EXAMPLES
@given(body=setup_forms())
async def test_fuzzed_setup_forms(world: World, body: str) -> None:
    await _refused_cleanly(world, body, FORM)


@EXAMPLES
@given(body=events())
async def test_fuzzed_events(world: World, body: str) -> None:
    await _refused_cleanly(world, body, JSON)


@EXAMPLES
@given(body=garbage_forms)
async def test_fuzzed_form_bodies(world: World, body: str) -> None:
    await _refused_cleanly(world, body, FORM)


@EXAMPLES
@given(body=garbage_json)
async def test_fuzzed_json_bodies(world: World, body: str) -> None:
    await _refused_cleanly(world, body, JSON)


@EXAMPLES
@given(body=garbage_bytes, content_type=st.sampled_from([FORM, JSON, "text/plain"]))
async def test_fuzzed_bytes(world: World, body: bytes, content_type: str) -> None:
    await _refused_cleanly(world, body, content_type)


@EXAMPLES
@given(data=st.data(), fault=st.sampled_from(["wrong secret", "stale", "unsigned"]))
async def test_fuzzed_bodies_without_a_valid_signature(
    world: World, data: st.DataObject, fault: str
) -> None:
    """Refused before any listener, and the refusal is logged without the body (bolt's own
    line would quote it whole, at INFO)."""
    body = data.draw(st.one_of(slash_commands(world), answer_forms(world), garbage_forms))
    headers = {
        "wrong secret": signed(body, secret="not-" + SIGNING_SECRET),
        "stale": signed(body, age=6 * 60),
        "unsigned": {"Content-Type": FORM},
    }[fault]
    before = await snapshot(world.engine)
    world.records.records.clear()
    response = await world.slack.http.post("/slack/events", data=body, headers=headers)
    assert response.status == 401
    assert await snapshot(world.engine) == before
    assert world.records.leaks() == []
    assert any("refused (401)" in r.getMessage() for r in world.records.records)


async def test_the_round_still_takes_a_proper_answer(world: World) -> None:
    """After all that: the open round counted nothing, and still counts a real answer."""
    status = await world.slack.pulse.status(world.open_round)
    assert status.respondents == 0
    state = {
        s: {"value": {"type": "radio_buttons", "selected_option": {"value": "4"}}}
        for s in world.statements
    }
    metadata = json.dumps({"round": world.open_round, "channel": CHANNEL})
    body = _view_submission(FormKind.ANSWER.value, metadata, state, PEOPLE[4])
    assert await world.post(body, FORM) == 200
    assert (await world.slack.pulse.status(world.open_round)).respondents == 1
