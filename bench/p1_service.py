"""P1 below the web layer: answers through `PulseService.submit` alone, for counts that do not
depend on the host's load. Prints, per database:

    P1-service <db> answers=… statements_per_answer=… cpu_ms_per_answer=…

`statements_per_answer` counts every statement the engine sends (BEGIN and COMMIT included);
`cpu_ms_per_answer` is this process's CPU time (not wall time) over the answers, so other
processes on the host move it little. Answers go `--concurrency` at a time, each from a person
who has not answered yet; the database is checked afterwards.

    python bench/p1_service.py [--postgres postgresql://…/db] [--answers 2000]
        [--profile FILE]   # cProfile of the answers (pstats file; `python -m pstats FILE`)
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

from p1_answer import KEY, _Chat, _counted, _prepare
from processes import WallClock
from sqlalchemy import event

from content.loader import default_pack
from storage.engine import create_engine
from storage.unit_of_work import SqlStorage
from surveys.service import PulseService


async def _answer(url: str, answers: int, concurrency: int, profile: Path | None) -> None:
    forms = await _prepare(url)
    engine = create_engine(url)
    service = PulseService(
        unit_of_work=SqlStorage(engine),
        clock=WallClock(),
        chat=_Chat(),  # type: ignore[arg-type]
        content=default_pack(),
        secret_key=KEY.encode(),
    )
    rounds = [form.view["private_metadata"] for form in forms]
    statements = [form.statements for form in forms]
    sent = 0

    def count(*_args: Any) -> None:
        nonlocal sent
        sent += 1

    async def person(n: int) -> None:
        at = n % len(rounds)
        await service.submit(
            rounds[at], user_id=f"UA{n:08d}", answers=dict.fromkeys(statements[at], 4)
        )

    # Warm up (connections, compiled statement caches), then measure.
    for n in range(concurrency):
        await person(n)
    event.listen(engine.sync_engine, "before_cursor_execute", count)
    profiler = cProfile.Profile() if profile else None
    cpu = time.process_time()
    if profiler:
        profiler.enable()
    queue = iter(range(concurrency, concurrency + answers))

    async def worker() -> None:
        for n in queue:
            await person(n)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
        print(f"P1-service {engine.dialect.name} profile_shares {_shares(profiler)}", flush=True)
    cpu = time.process_time() - cpu
    event.remove(engine.sync_engine, "before_cursor_execute", count)
    await engine.dispose()
    counted = await _counted(url)
    assert counted == answers + concurrency, (counted, answers + concurrency)
    db = engine.dialect.name
    print(
        f"P1-service {db} answers={answers} statements_per_answer={sent / answers:.2f} "
        f"cpu_ms_per_answer={1000 * cpu / answers:.2f}",
        flush=True,
    )


# Where a function's own time goes, by the file it lives in.
_PARTS = {
    "sqlalchemy": "/sqlalchemy/",
    "driver": ("/asyncpg/", "/aiosqlite/", "sqlite3"),
    "asyncio": ("/asyncio/", "select.epoll", "greenlet"),
    "tryghed": ("/surveys/", "/storage/", "/content/"),
}


def _shares(profiler: cProfile.Profile) -> str:
    """Each part's share of the profile's own time (tottime), in percent."""
    totals = dict.fromkeys([*_PARTS, "other"], 0.0)
    for (filename, _line, name), row in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
        where = f"{filename}:{name}"
        part = next(
            (
                part
                for part, marks in _PARTS.items()
                if any(mark in where for mark in ((marks,) if isinstance(marks, str) else marks))
            ),
            "other",
        )
        totals[part] += row[2]
    whole = sum(totals.values()) or 1.0
    return " ".join(f"{part}={100 * t / whole:.0f}%" for part, t in totals.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="an empty PostgreSQL database (it is emptied)")
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        urls = [f"sqlite+aiosqlite:///{scratch}/p1.db"]
        if args.postgres:
            urls.append(args.postgres)
        for url in urls:
            profile = args.profile
            if profile and len(urls) > 1:
                profile = profile.with_suffix(f".{url.split(':')[0].split('+')[0]}")
            asyncio.run(_answer(url, args.answers, args.concurrency, profile))


if __name__ == "__main__":
    main()
