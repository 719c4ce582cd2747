"""R7: the database goes away during a burst of answers, and comes back.

The app reaches PostgreSQL through a TCP proxy (tests/fakes/tcp_proxy.py) that the test cuts
and restores: a real outage as the app sees it, while the shared server never stops. People
are told to try again, Slack never gets a 5xx, no answer is stored in part, /readyz says
"not ready" meanwhile, and everything works again afterwards. A database that hangs instead
of refusing gets a "try again" within Slack's 3 seconds (on SQLite too: a held write lock).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from content.loader import default_pack
from storage.schema import METADATA
from tests.bot.slack.harness import (
    CHANNEL,
    Slack,
    block_text,
    radio,
    running_slack,
    settle,
    until,
)
from tests.bot.slack.steps import button, open_form, set_up, start_pulse
from tests.fakes.tcp_proxy import TcpProxy
from tests.storage.snapshot import reader, tally

SECRET = "outage-test-secret-key-0123456789abcdef"
FACILITATOR = "UO00"
PEOPLE = [f"UO{n:02d}" for n in range(1, 41)]
PACK = default_pack()
COUNTED = [PACK.text("answer-thanks", lang, deadline="").split("–")[0] for lang in ("da", "en")]
ALREADY = [PACK.text("error-already-answered", lang)[:30] for lang in ("da", "en")]
TRY_AGAIN = [PACK.text("error-try-again", lang)[:30] for lang in ("da", "en")]


@dataclass
class Outage:
    """The app on PostgreSQL through a proxy, and a direct connection for the test's reads."""

    slack: Slack
    proxy: TcpProxy
    direct: AsyncEngine

    async def ready(self) -> int:
        return (await self.slack.http.get("/readyz")).status


async def _truncate(engine: AsyncEngine) -> None:
    tables = ", ".join(table.name for table in METADATA.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture
async def outage(
    postgres_url: URL, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Outage]:
    direct = reader(postgres_url)
    await _truncate(direct)
    try:
        async with TcpProxy(postgres_url.host or "127.0.0.1", postgres_url.port or 5432) as proxy:
            proxied = postgres_url.set(host="127.0.0.1", port=proxy.port)
            async with running_slack(
                tmp_path,
                monkeypatch,
                database_url=proxied.render_as_string(hide_password=False),
                secret_key=SECRET,
            ) as slack:
                slack.api.channel_members[CHANNEL] = [FACILITATOR, *PEOPLE, "UBOT"]
                slack.api.users[FACILITATOR] = {"is_admin": True}
                yield Outage(slack, proxy, direct)
                proxy.restore()  # the app's own shutdown needs its database
    finally:
        await _truncate(direct)
        await direct.dispose()


def _said(ack: dict[str, Any]) -> str:
    return block_text(ack.get("view", {}).get("blocks", []))


def _verdict(ack: dict[str, Any]) -> str:
    """What an answer's acknowledgement told the person."""
    said = _said(ack)
    for verdict, phrases in (("counted", COUNTED), ("already", ALREADY), ("again", TRY_AGAIN)):
        if any(phrase in said for phrase in phrases):
            return verdict
    raise AssertionError(f"an unexpected reply: {said!r}")


async def _answer(slack: Slack, view: dict[str, Any], person: str) -> str:
    answers = {b["block_id"]: radio("4") for b in view["blocks"] if b["type"] == "input"}
    response = await slack.submit(view, answers, user=person)
    assert response.status == 200, response.status  # never a 5xx, whatever the database does
    return _verdict(await response.json())


async def _round(slack: Slack) -> tuple[str, dict[str, Any]]:
    await set_up(slack, "setup weekly mon 09:00 Europe/Copenhagen en")
    round_id = button((await start_pulse(slack)).args, "tryghed_answer")["value"]
    return round_id, await open_form(slack, round_id, PEOPLE[0])


async def _consistent(direct: AsyncEngine, round_id: str) -> int:
    """Every stored answer form is whole: each statement counted once per respondent."""
    totals, respondents = await tally(direct, round_id)
    assert set(totals.values()) <= {respondents}, (totals, respondents)
    return respondents


@pytest.mark.postgres
@pytest.mark.slow
async def test_a_burst_of_answers_through_an_outage(outage: Outage) -> None:
    slack, proxy = outage.slack, outage.proxy
    round_id, view = await _round(slack)
    first, burst, during = PEOPLE[:10], PEOPLE[10:30], PEOPLE[30:]
    verdicts = dict(
        zip(first, await asyncio.gather(*(_answer(slack, view, p) for p in first)), strict=True)
    )
    assert set(verdicts.values()) == {"counted"}

    # The database goes away while a burst is in flight (once a few of it are stored): some
    # make it, some are cut off mid-transaction, the rest are told before they begin.
    answering = [asyncio.create_task(_answer(slack, view, p)) for p in burst]
    await _stored(outage, round_id, at_least=len(first) + 2)
    proxy.cut()
    verdicts |= dict(zip(burst, await asyncio.gather(*answering), strict=True))
    assert set(verdicts.values()) <= {"counted", "again"}

    # While it is away: everyone is asked to try again, nobody gets silence or a 5xx.
    for person in during:
        verdicts[person] = await _answer(slack, view, person)
        assert verdicts[person] == "again"
    assert await outage.ready() == 503
    replies = len(slack.replies())
    await slack.command("status", user=PEOPLE[3])
    await until(lambda: len(slack.replies()) > replies)
    assert any(phrase in slack.last_reply_text() for phrase in TRY_AGAIN)
    # Whoever was told "counted" is stored; a commit cut off before its reply may be stored
    # too (that person was asked to try again, and will hear it already counts).
    stored = await _consistent(outage.direct, round_id)
    told = list(verdicts.values())
    assert told.count("counted") <= stored <= told.count("counted") + told.count("again")

    # Back again: ready, and whoever was asked to try again is counted once.
    proxy.restore()
    await _until_ready(outage)
    for person, verdict in verdicts.items():
        if verdict == "again":
            # "already": their commit went through just as the connection broke.
            assert await _answer(slack, view, person) in ("counted", "already")
        else:
            assert await _answer(slack, view, person) == "already"
    assert await _consistent(outage.direct, round_id) == len(PEOPLE)

    # And the round closes as if nothing had happened.
    slack.clock.advance(hours=1)  # a round may be closed by hand after an hour
    await slack.command("close", user=FACILITATOR)
    await until(lambda: any("40 of 41 answered" in _posted(c) for c in slack.api.calls))
    assert (await slack.pulse.result(round_id)).respondents == len(PEOPLE)


def _posted(call: Any) -> str:
    return block_text(call.args.get("blocks", [])) if call.method == "chat.postMessage" else ""


async def _until_ready(outage: Outage) -> None:
    """Wait for /readyz to say ready (the limit only keeps a broken build from hanging)."""
    async with asyncio.timeout(30):
        while True:
            if await outage.ready() == 200:
                return
            await asyncio.sleep(0.1)


async def _stored(outage: Outage, round_id: str, *, at_least: int) -> None:
    """Wait until at least `at_least` answers are stored."""
    async with asyncio.timeout(30):
        while True:
            if (await tally(outage.direct, round_id))[1] >= at_least:
                return
            await asyncio.sleep(0)


@pytest.mark.postgres
@pytest.mark.slow
async def test_a_hanging_database_gets_a_try_again_before_slack_gives_up(
    outage: Outage,
) -> None:
    slack, proxy = outage.slack, outage.proxy
    round_id, view = await _round(slack)
    proxy.stall()
    # Without the time bound this would wait for the database (asyncpg waits for ever); the
    # outer limit only keeps a broken build from hanging.
    verdict = await asyncio.wait_for(_answer(slack, view, PEOPLE[1]), timeout=60)
    assert verdict == "again"
    assert await outage.ready() == 503
    proxy.restore()
    await _until_ready(outage)
    assert await _answer(slack, view, PEOPLE[1]) in ("counted", "already")
    assert await _answer(slack, view, PEOPLE[2]) == "counted"
    assert await _consistent(outage.direct, round_id) == 2


@pytest.mark.slow
async def test_a_locked_sqlite_database_gets_a_try_again_in_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_slack(tmp_path, monkeypatch) as slack:
        slack.api.channel_members[CHANNEL] = [FACILITATOR, *PEOPLE, "UBOT"]
        slack.api.users[FACILITATOR] = {"is_admin": True}
        round_id, view = await _round(slack)
        await settle()
        # Someone else holds the write lock for longer than Slack waits (SQLite itself would
        # wait 10 s). From a thread of its own: the app's event loop must keep running.
        holder = sqlite3.connect(
            tmp_path / "tryghed.db", isolation_level=None, check_same_thread=False
        )
        await asyncio.to_thread(holder.execute, "BEGIN IMMEDIATE")
        try:
            verdict = await asyncio.wait_for(_answer(slack, view, PEOPLE[1]), timeout=60)
            assert verdict == "again"
        finally:
            await asyncio.to_thread(holder.execute, "ROLLBACK")
            await asyncio.to_thread(holder.close)
        # The answer held back by the lock was left out once the lock was free: the person
        # was told to try again, and this try is the one that counts.
        assert await _answer(slack, view, PEOPLE[1]) == "counted"
        engine = reader(f"sqlite+aiosqlite:///{tmp_path / 'tryghed.db'}")
        try:
            assert await _consistent(engine, round_id) == 1
        finally:
            await engine.dispose()
