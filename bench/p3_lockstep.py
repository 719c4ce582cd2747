"""P3 side by side: two checkouts read the same teams' trends in turn, on a host that is busy.

A shared host's speed moves by half from one minute to the next, more than a change to the
trend read does; two processes (checkout A and checkout B, each with its own code) that read
the same team one right after the other see the same host. Each team is read first (worked
out) and again (kept), A before B for every other team and B before A otherwise. Prints one
line per checkout and one of ratios B / A (wall clock, and this process's CPU time).

    python bench/p3_lockstep.py A_DIR B_DIR URL [--fill 1000] [--teams 300]

URL is a database `bench/p3_trend.py` filled (or `--fill` fills it now), e.g.
sqlite:////tmp/p3.db or postgresql://…/tryghed_p3. Each worker imports the project from its
checkout (PYTHONPATH), whatever checkout the venv installed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

READS = ("cold", "warm", "cold_cpu", "warm_cpu")


async def _worker(url: str) -> None:
    """Read the trend of each team named on stdin; answer [wall ms, CPU ms] on stdout."""
    from p3_trend import _Clock, _NoChat

    from app.main import settle_heap
    from content.loader import default_pack
    from storage.engine import create_engine
    from storage.unit_of_work import SqlStorage
    from surveys.service import PulseService

    engine = create_engine(url)
    service = PulseService(
        unit_of_work=SqlStorage(engine),
        clock=_Clock(),
        chat=_NoChat(),  # type: ignore[arg-type]
        content=default_pack(),
        secret_key=b"k" * 32,
    )
    settled = False
    for line in sys.stdin:
        started, cpu = time.perf_counter(), time.process_time()
        trend = await service.trend(line.strip(), rounds=52)
        timing = [(time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000]
        assert len(trend.points) == 52
        del trend
        if not settled:  # as serve does once started (the first read warmed the pool)
            settle_heap()
            settled = True
        print(json.dumps(timing), flush=True)
    await engine.dispose()


async def _team_ids(url: str, fill: int | None) -> list[str]:
    from p3_trend import _fill
    from sqlalchemy import text

    from storage.engine import create_engine

    if fill:
        return await _fill(url, fill)
    engine = create_engine(url)
    async with engine.connect() as connection:
        ids = list((await connection.execute(text("SELECT id FROM teams ORDER BY id"))).scalars())
    await engine.dispose()
    return ids


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def main(argv: list[str]) -> None:
    """Run both checkouts in lockstep and print their figures and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("url")
    parser.add_argument("--fill", type=int, help="fill the database with this many teams first")
    parser.add_argument("--teams", type=int, default=300, help="how many teams to read")
    args = parser.parse_args(argv)
    team_ids = asyncio.run(_team_ids(args.url, args.fill))
    workers = {
        name: subprocess.Popen(
            [sys.executable, __file__, "--worker", args.url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            # The venv installs the project editable (the main checkout): a checkout is what
            # PYTHONPATH names, ahead of it.
            env={**os.environ, "PYTHONPATH": str(checkout.resolve())},
        )
        for name, checkout in (("A", args.a), ("B", args.b))
    }

    def read(name: str, team_id: str) -> list[float]:
        worker = workers[name]
        assert worker.stdin is not None
        assert worker.stdout is not None
        worker.stdin.write(team_id + "\n")
        worker.stdin.flush()
        timing: list[float] = json.loads(worker.stdout.readline())
        return timing

    for name in workers:
        read(name, team_ids[0])
    figures: dict[str, dict[str, list[float]]] = {n: {r: [] for r in READS} for n in workers}
    sample = random.Random(7).sample(team_ids, min(args.teams, len(team_ids)))
    for index, team_id in enumerate(sample):
        for kept in ("cold", "warm"):
            for name in ("A", "B") if index % 2 == 0 else ("B", "A"):
                wall, cpu = read(name, team_id)
                figures[name][kept].append(wall)
                figures[name][f"{kept}_cpu"].append(cpu)
    for worker in workers.values():
        assert worker.stdin is not None
        worker.stdin.close()
        worker.wait()
    for name, checkout in (("A", args.a), ("B", args.b)):
        values = " ".join(
            f"{r}_p50_ms={statistics.median(v):.2f} {r}_p99_ms={_p99(v):.2f}"
            for r, v in figures[name].items()
        )
        print(f"P3 lockstep {name}={checkout} teams={len(sample)} {values}", flush=True)
    ratios = " ".join(
        f"{r}_p50={statistics.median(figures['B'][r]) / statistics.median(figures['A'][r]):.2f} "
        f"{r}_p99={_p99(figures['B'][r]) / _p99(figures['A'][r]):.2f}"
        for r in READS
    )
    print(f"P3 lockstep ratio B/A {ratios}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        asyncio.run(_worker(sys.argv[2]))
    else:
        main(sys.argv[1:])
