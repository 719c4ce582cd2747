"""P3: `trend 52` for one team in a database of many teams x 104 rounds (SQLite, PostgreSQL).

Prints one line per figure: `P3 <dialect> teams=<n> cold_p50_ms=… cold_p99_ms=… warm_p50_ms=…
warm_p99_ms=… cold_cpu_p50_ms=… …`, and `P3 chart p50_ms=… p99_ms=…` (drawing a 52-round
chart): cold is a team's first read (worked out), warm the same team's next read with
nothing closed meanwhile (the kept trend, after one stamp read). The cpu figures are this
process's CPU time per read (ours and the driver's, SQLite's too; not the PostgreSQL
server's): a busy host changes them less than the wall-clock ones. The 100-team and
1,000-team databases are measured side by side: the cost should follow the team's own
rounds, not the size of the database. Target: p99 <= 20 ms.

    python bench/p3_trend.py [--teams 100 1000] [--postgres postgresql://…/db]

From another checkout than the one the venv installed (editable), run it with PYTHONPATH set
to that checkout, or it measures the installed one. Two checkouts side by side on a busy
host: bench/p3_lockstep.py.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text

from app.main import settle_heap
from bot.chart.pictures import trend_chart
from content.loader import default_pack
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.schema import METADATA
from storage.unit_of_work import SqlStorage
from surveys.rounds import SCALE, RoundKind, statements_for_round
from surveys.service import PulseService
from surveys.team import TeamSettings
from surveys.trend import Trend

ROUNDS = 104
CALLS = 300
CHARTS = 50
START = datetime(2024, 1, 1, 8, tzinfo=UTC)


class _NoChat:
    async def channel_members(self, team: object) -> list[str]:
        return []


async def _fill(url: str, teams: int) -> list[str]:
    """`teams` teams with ROUNDS closed weekly rounds each, written in bulk."""
    engine = create_engine(url)
    await upgrade(engine)
    tables = METADATA.tables
    content = default_pack()
    rng = random.Random(teams)
    team_ids: list[str] = []
    async with engine.begin() as connection:
        for name in ("answer_counts", "rounds", "hack_log", "claims", "teams"):
            await connection.execute(tables[name].delete())
        for n in range(teams):
            team_id = uuid.uuid4().hex
            team_ids.append(team_id)
            await connection.execute(
                insert(tables["teams"]),
                [_team_row(team_id, n)],
            )
            rounds, counts = [], []
            for week in range(ROUNDS):
                round_id = uuid.uuid4().hex
                opened = START + timedelta(weeks=week)
                kind = RoundKind.BAROMETER if week % 13 == 0 else RoundKind.PULSE
                statements = statements_for_round(content, kind=kind, pulses_so_far=week)
                rounds.append(
                    {
                        "id": round_id,
                        "team_id": team_id,
                        "kind": kind.value,
                        "statement_ids": list(statements),
                        "opened_at": opened,
                        "closes_at": opened + timedelta(hours=72),
                        "closed_at": opened + timedelta(hours=72),
                        "channel_size": 9,
                        "respondents": 7,
                        "message_ref": None,
                        "reminded": True,
                    }
                )
                for statement in statements:
                    spread = [rng.randint(0, 3) for _ in SCALE]
                    counts.extend(
                        {"round_id": round_id, "statement_id": statement, "value": v, "count": c}
                        for v, c in zip(SCALE, spread, strict=True)
                    )
            await connection.execute(insert(tables["rounds"]), rounds)
            await connection.execute(insert(tables["answer_counts"]), counts)
        if engine.dialect.name == "postgresql":
            await connection.execute(text("ANALYZE"))
    await engine.dispose()
    return team_ids


def _team_row(team_id: str, n: int) -> dict[str, object]:
    settings = TeamSettings()
    return {
        "id": team_id,
        "platform": "slack",
        "workspace_id": f"T{n % 10}",
        "channel_id": f"C{n}",
        "name": f"team {n}",
        "cadence": settings.cadence.value,
        "weekday": 0,
        "local_time": "09:00",
        "timezone": settings.timezone,
        "language": "da",
        "round_hours": 72,
        "min_respondents": 5,
        "reminders": True,
        "leaders": [],
        "facilitators": [],
        "paused": False,
        "created_at": START - timedelta(days=1),
    }


def _charts(trends: list[Trend]) -> list[float]:
    """How long drawing each trend's chart takes (ms): once per team and closed round, off
    the event loop, in the service (bot/chart/cache.py)."""
    content = default_pack()
    trend_chart(trends[0], content, language="da", zone=ZoneInfo("UTC"))  # fonts, matplotlib
    timings = []
    for trend in trends:
        started = time.perf_counter()
        trend_chart(trend, content, language="da", zone=ZoneInfo("UTC"))
        timings.append((time.perf_counter() - started) * 1000)
    return timings


async def _measure(url: str, team_ids: list[str]) -> tuple[dict[str, list[float]], list[Trend]]:
    """Each of CALLS teams' trend read first (worked out: the cache is cold) and then again
    (nothing closed meanwhile: the kept trend after one stamp read), in milliseconds of wall
    clock and of this process's CPU."""
    engine = create_engine(url)
    service = PulseService(
        unit_of_work=SqlStorage(engine),
        clock=_Clock(),
        chat=_NoChat(),  # type: ignore[arg-type]
        content=default_pack(),
        secret_key=b"k" * 32,
    )
    rng = random.Random(7)
    await service.trend(team_ids[0], rounds=52)  # warm the pool
    settle_heap()  # as serve does once started: the fill's objects are not the server's
    timings: dict[str, list[float]] = {"cold": [], "warm": [], "cold_cpu": [], "warm_cpu": []}
    sample = rng.sample(team_ids, min(CALLS, len(team_ids)))
    for team_id in sample:
        for read in ("cold", "warm"):
            started, cpu = time.perf_counter(), time.process_time()
            trend = await service.trend(team_id, rounds=52)
            timings[read].append((time.perf_counter() - started) * 1000)
            timings[f"{read}_cpu"].append((time.process_time() - cpu) * 1000)
            assert len(trend.points) == 52
        # None kept meanwhile: trends held here would be objects each full collection walks
        # (tens of ms for a few hundred), which no server holds.
        del trend
    trends = [await service.trend(team_id, rounds=52) for team_id in sample[:CHARTS]]
    await engine.dispose()
    return timings, trends


class _Clock:
    def now(self) -> datetime:
        return START + timedelta(weeks=ROUNDS + 1)


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


async def main(argv: list[str]) -> None:
    """Run P3 on SQLite (and PostgreSQL when given)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--teams", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--postgres", help="an empty PostgreSQL database URL")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        targets = [("sqlite", lambda n: f"sqlite+aiosqlite:///{Path(folder) / f'p3-{n}.db'}")]
        if args.postgres:
            targets.append(("postgresql", lambda _n: args.postgres))
        for dialect, url_for in targets:
            for teams in args.teams:
                url = url_for(teams)
                filled = time.perf_counter()
                team_ids = await _fill(url, teams)
                timings, trends = await _measure(url, team_ids)
                figures = " ".join(
                    f"{name}_p50_ms={statistics.median(values):.2f} "
                    f"{name}_p99_ms={_p99(values):.2f}"
                    for name, values in timings.items()
                )
                print(
                    f"P3 {dialect} teams={teams} rounds={ROUNDS} trend=52 {figures} "
                    f"target_p99_ms=20 fill_s={time.perf_counter() - filled:.0f}",
                    flush=True,
                )
        charts = _charts(trends)
        print(
            f"P3 chart rounds=52 p50_ms={statistics.median(charts):.1f} "
            f"p99_ms={_p99(charts):.1f} charts={len(charts)} (drawn once per closed round)",
            flush=True,
        )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
