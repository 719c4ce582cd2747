"""P6: scale-out in a run. Two `tryghed serve` replicas on the same PostgreSQL database, both
running the scheduler (as in production: they coordinate through the database's claims),
behind a round-robin TCP balancer (per connection, its own process), fed the signed Slack
`view_submission` answers of bench/p1_answer.py (100 teams with an open round, every answer
from a person who has not answered yet, the fake Slack 20 ms away in its own process).

Throughput is the median of three alternating closed-loop runs: the balancer in front of one
replica, then in front of both (the other replica runs idle during the first). Afterwards
every answer sent must be counted exactly once: participation rows == answers sent, each
round's running counts add up to its participation, no reply asked to try again. Then a
handful of answers already counted are replayed to each replica, and a handful of new people
answer on both replicas at the same moment: every replay must be refused, and exactly one
answer of each pair counted.

On this 2-core machine the load generator, the balancer, the fake Slack, PostgreSQL and the
replicas share the cores, so `ratio` measures contention, not speed-up: a second replica can
only use CPU the others leave. The scheduler has nothing due during the runs (its cost here is
its periodic sync).

The `cpu` lines, for the run of median throughput on each side, say where the cores went:
process CPU time from /proc over the run's wall time, per part. `pg` is this database's
backends and PostgreSQL's background processes, looked at ten times a second (a backend that
exits loses what it spent since: a lower bound); `pg_others` is the rest of the server's
(exited backends, other databases': the machine is shared); `other` is what the machine spent
beyond the parts (other processes, interrupts). Each replica's CPU per answer is over the
answers it recorded (its /metrics); commits, rollbacks (how a read-only unit of work ends)
and sessions opened are this database's (pg_stat_database), read once the backends have
flushed their statistics.

Prints:

    P6 postgresql one_rps=… two_rps=… ratio=… lost=0 doubled=0 cores=2 …
    P6 postgresql duplicates replayed=… refused=… raced=… counted_once=… second_refused=…
    P6 postgresql cpu <one|two> answers=… replica_ms_per_answer=… pg_ms_per_answer=… pg_share=…
    P6 postgresql pool pool_size=… max_overflow=… peak_connections=… new_connection_pg_ms=…
    P6 postgresql replica_logs warnings=… errors=…

The pools are storage/engine.py's (SQLAlchemy's defaults: 5 connections kept, up to 10 more
opened and closed as needed); `--pool N` runs the replicas as if it kept N and opened no more,
to show what opening and closing connections under load costs (`sessions_opened`).

    python bench/p6_replicas.py [--postgres postgresql://…/db] [--requests 2000] [--clients 32]
        [--duplicates 10] [--pool N]
    # the default database is tryghed_replicas on 127.0.0.1, emptied first; about 3 minutes
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from p1_answer import (
    BIN,
    FAILED,
    OURS,
    Connection,
    Requests,
    _closed_loop,
    _counted,
    _prepare,
    _show_logs,
    serve_env,
    slack_fake,
)
from processes import free_port, http_get, running
from sqlalchemy import func, make_url, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import QueuePool

from content.loader import default_pack
from content.schema import Language
from storage.engine import create_engine
from storage.open_store import COUNTS, PARTICIPATION

DATABASE = "postgresql://postgres@127.0.0.1:5432/tryghed_replicas"
REPLICAS = 2
RUNS = 3
TICKS = os.sysconf("SC_CLK_TCK")
PACK = default_pack()
LANGUAGES: tuple[Language, ...] = ("da", "en")
# The replies as they appear in a response body (JSON escapes what is not ASCII). A reply to a
# form speaks the team's language (the thanks) or the person's (a refusal): either, here.
COUNTED = b"Your answer counts"
REFUSED = [
    json.dumps(PACK.text("error-already-answered", ln)[:30])[1:-1].encode() for ln in LANGUAGES
]
# p1's failures hold the body's repr: the message's start, up to its first apostrophe, is in
# it as it is.
TRY_AGAIN = [PACK.text("error-try-again", ln)[:9] for ln in LANGUAGES]
# A backend flushes its statistics (xact_commit) at most once a second while busy; what is
# left is flushed within 10 s of going idle (PostgreSQL 15's PGSTAT_IDLE_INTERVAL).
STATS_SETTLE_SECONDS = 11


# -- the balancer -----------------------------------------------------------------------------


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


def balancer(port: int, backends: list[int]) -> None:
    """Forward each connection to the next of `backends`, in turn, until killed."""
    turn = itertools.cycle(backends)

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", next(turn))
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    async def serve() -> None:
        server = await asyncio.start_server(accept, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


# -- where the CPU goes ------------------------------------------------------------------------


def _stat(pid: int) -> list[str]:
    """/proc/<pid>/stat from its third field on (after the command's parenthesis), or []."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return []


def _cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """A process's CPU time so far (utime + stime, fields 14-15), with its reaped children's
    (cutime + cstime, 16-17) if `reaped`; 0 once it is gone."""
    fields = _stat(pid)
    if not fields:
        return 0.0
    return sum(int(value) for value in fields[11 : 15 if reaped else 13]) / TICKS


def _ran_seconds(pid: int) -> float:
    """A single-threaded process's time on a CPU so far, to the nanosecond (a PostgreSQL
    backend's start costs less than /proc/<pid>/stat's 10 ms tick); 0 once it is gone."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


def _children(parent: int) -> Iterator[int]:
    """The processes whose parent is `parent` (field 4 of their stat)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _stat(int(entry.name))[1:2] == [str(parent)]:
            yield int(entry.name)


def _command(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return b""


class Server:
    """The CPU a PostgreSQL server on this machine spends: all of it (other databases'
    backends too), and this database's share."""

    def __init__(self, postmaster: int, database: str) -> None:
        self.postmaster = postmaster
        self.title = f" {database} ".encode()
        # This database's backends and the background processes (WAL writer, checkpointer,
        # ...), each as last seen: a backend that exits loses what it spent since.
        self.seen: dict[int, float] = {}

    def look(self) -> float:
        """The whole server's CPU so far: the postmaster's, its exited (reaped) children's,
        its live ones'. Notes this database's share on the way."""
        live = 0.0
        for pid in _children(self.postmaster):
            cpu = _ran_seconds(pid)
            live += cpu
            command = _command(pid)
            # A client backend's title is "user database host(port) state"; others have none.
            if self.title in command or b"(" not in command:
                self.seen[pid] = max(cpu, self.seen.get(pid, 0.0))
        return live + _cpu_seconds(self.postmaster, reaped=True)

    @property
    def ours(self) -> float:
        """This database's share so far, as far as seen (a lower bound)."""
        return sum(self.seen.values())


def _fake_slack() -> int:
    """The pid of the fake Slack this process started (bench/p1_answer.py `slack_fake`)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _stat(int(entry.name))[1:2] == [str(os.getpid())]:
            with suppress(FileNotFoundError):
                if b"slack_fake.py" in (entry / "cmdline").read_bytes():
                    return int(entry.name)
    raise RuntimeError("the fake Slack is not a child of this process")


def _busy_seconds() -> float:
    """CPU time the whole machine has spent busy, all cores together."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / TICKS  # less idle and iowait


_BACKEND_PID = text("SELECT pg_backend_pid()")
_COUNTERS = text(
    "SELECT xact_commit, xact_rollback, sessions FROM pg_stat_database "
    "WHERE datname = current_database()"
)
_CONNECTIONS = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
)


@dataclass
class Sample:
    """CPU seconds so far, per process, and the counters that go with them."""

    replicas: list[float]
    answers: list[int]
    postgres: float  # this database's backends and the background processes
    server: float  # the whole PostgreSQL server
    busy: float
    balancer: float
    bench: float
    fake: float
    commits: int = 0
    rollbacks: int = 0
    sessions: int = 0


@dataclass
class Probe:
    """Samples the replicas ((pid, port) each), PostgreSQL and the machine."""

    monitor: AsyncEngine
    server: Server
    fake: int
    replicas: list[tuple[int, int]] = field(default_factory=list)
    peak_connections: int = 0

    @classmethod
    async def open(cls, url: str) -> Probe:
        """A probe of the server behind `url` (which must run on this machine)."""
        monitor = create_engine(url)
        async with monitor.connect() as connection:
            backend = int((await connection.execute(_BACKEND_PID)).scalar_one())
        server = Server(int(_stat(backend)[1]), str(make_url(url).database))
        return cls(monitor, server, fake=_fake_slack())

    def sample(self, balancer: int) -> Sample:
        """Everything's CPU so far, with the answers recorded, and the `balancer` process's."""
        server = self.server.look()
        return Sample(
            replicas=[_cpu_seconds(pid) for pid, _port in self.replicas],
            answers=[_answers_recorded(port) for _pid, port in self.replicas],
            postgres=self.server.ours,
            server=server,
            busy=_busy_seconds(),
            balancer=_cpu_seconds(balancer),
            bench=time.process_time(),
            fake=_cpu_seconds(self.fake),
        )

    async def count(self, sample: Sample) -> None:
        """Add the database's commits, rollbacks and sessions so far to `sample`."""
        async with self.monitor.connect() as connection:
            commits, rollbacks, sessions = (await connection.execute(_COUNTERS)).one()
        sample.commits, sample.rollbacks, sample.sessions = commits, rollbacks, sessions

    async def watch(self) -> None:
        """Look at PostgreSQL's processes ten times a second (so that a backend's CPU is seen
        before it exits), and keep the most client connections to this database seen at once
        (twice a second)."""
        async with self.monitor.connect() as connection:
            for turn in itertools.count():
                self.server.look()
                if turn % 5 == 0:
                    now = int((await connection.execute(_CONNECTIONS)).scalar_one())
                    self.peak_connections = max(self.peak_connections, now)
                    # pg_stat_activity is read once per transaction: a new one each time.
                    await connection.commit()
                await asyncio.sleep(0.1)


def _answers_recorded(port: int) -> int:
    for line in http_get(f"http://127.0.0.1:{port}/metrics").decode().splitlines():
        if line.startswith("tryghed_answers_recorded_total "):
            return int(float(line.split()[1]))
    raise RuntimeError("tryghed_answers_recorded_total is not in /metrics")


@dataclass
class Usage:
    """What one closed-loop run cost, from the samples before and after it."""

    seconds: float
    before: Sample
    after: Sample

    def line(self) -> str:
        """The figures of the run, as `key=value` pairs."""
        before, after = self.before, self.after
        answers = [a - b for a, b in zip(after.answers, before.answers, strict=True)]
        per_answer = [
            f"{1000 * (a - b) / n:.2f}" if n else "-"
            for a, b, n in zip(after.replicas, before.replicas, answers, strict=True)
        ]
        seconds = {
            "replica": sum(after.replicas) - sum(before.replicas),
            "pg": after.postgres - before.postgres,
            "pg_others": after.server - before.server - (after.postgres - before.postgres),
            "balancer": after.balancer - before.balancer,
            "loadgen": after.bench - before.bench,
            "fake_slack": after.fake - before.fake,
        }
        busy = after.busy - before.busy
        # Other processes on the host, and interrupts charged to no process.
        seconds["other"] = busy - sum(seconds.values())
        total = sum(answers) or 1
        commits = after.commits - before.commits
        return (
            f"answers={'/'.join(map(str, answers))} "
            f"replica_ms_per_answer={'/'.join(per_answer)} "
            f"pg_ms_per_answer={1000 * seconds['pg'] / total:.2f} "
            f"pg_share={100 * seconds['pg'] / busy:.0f}% "
            f"commits_per_s={commits / self.seconds:.0f} commits_per_answer={commits / total:.2f} "
            f"rollbacks_per_answer={(after.rollbacks - before.rollbacks) / total:.2f} "
            f"sessions_opened={after.sessions - before.sessions} "
            + " ".join(f"{part}_cores={cpu / self.seconds:.2f}" for part, cpu in seconds.items())
            + f" machine_busy={100 * busy / self.seconds / (os.cpu_count() or 1):.0f}%"
        )


@dataclass
class Side:
    """One balancer (pid, port) of the comparison: its runs and what they cost."""

    name: str
    pid: int
    port: int
    rps: list[float] = field(default_factory=list)
    usage: list[Usage] = field(default_factory=list)

    async def run(self, batch: list[bytes], clients: int, probe: Probe) -> None:
        """One closed-loop run of `batch` through this balancer, sampled before and after."""
        before = probe.sample(self.pid)
        await probe.count(before)
        watching = asyncio.create_task(probe.watch())
        started = time.perf_counter()
        self.rps.append(await _closed_loop(self.port, batch, clients, OURS))
        seconds = time.perf_counter() - started
        watching.cancel()
        after = probe.sample(self.pid)
        await asyncio.sleep(STATS_SETTLE_SECONDS)
        await probe.count(after)
        self.usage.append(Usage(seconds, before, after))

    def median_usage(self) -> Usage:
        """What the run with the median throughput cost."""
        ranked = sorted(zip(self.rps, self.usage, strict=True), key=lambda pair: pair[0])
        return ranked[len(ranked) // 2][1]


# -- the run -----------------------------------------------------------------------------------


def _refused(body: bytes) -> bool:
    return any(marker in body for marker in REFUSED)


@dataclass
class Duplicates:
    """Second answers: replays of counted ones, and one person answering on every replica at
    the same moment."""

    replayed: int = 0
    refused: int = 0
    counted: list[int] = field(default_factory=list)  # per raced person, how often
    second_refused: int = 0  # raced people whose other answers were all refused

    @property
    def doubled(self) -> int:
        """Second answers that were not refused."""
        return self.replayed - self.refused + sum(n > 1 for n in self.counted)


async def _duplicates(counted: list[bytes], requests: Requests, ports: list[int]) -> Duplicates:
    """Replay each of `counted` to every replica; then as many new people, each answering on
    all replicas at once."""
    seen = Duplicates()
    for request in counted:
        for port in ports:
            connection = await Connection.open(port)
            _status, body = await connection.send(request)
            connection.close()
            seen.replayed += 1
            seen.refused += _refused(body)
    for request in requests.make(len(counted)):
        connections = [await Connection.open(port) for port in ports]
        bodies = [
            body for _status, body in await asyncio.gather(*(c.send(request) for c in connections))
        ]
        for connection in connections:
            connection.close()
        seen.counted.append(sum(COUNTED in body for body in bodies))
        seen.second_refused += sum(map(_refused, bodies)) == len(ports) - 1
    return seen


async def _consistent(url: str) -> int:
    """How many (round, statement) running counts differ from the round's participation."""
    engine = create_engine(url)
    async with engine.connect() as connection:
        people: dict[str, int] = dict(
            (
                await connection.execute(
                    select(PARTICIPATION.c.round_id, func.count()).group_by(
                        PARTICIPATION.c.round_id
                    )
                )
            ).all()
        )
        sums = (
            await connection.execute(
                select(COUNTS.c.round_id, func.sum(COUNTS.c.count)).group_by(
                    COUNTS.c.round_id, COUNTS.c.statement_id
                )
            )
        ).all()
    await engine.dispose()
    return sum(people.get(round_id, 0) != total for round_id, total in sums)


async def _connection_cost(url: str, count: int = 20) -> tuple[float, float]:
    """CPU seconds a new pooled connection of the replicas' kind (storage/engine.py, its
    per-connection setup included) costs its PostgreSQL backend and the client: what the pool
    pays each time it opens an overflow connection."""
    engine = create_engine(url)
    async with engine.connect() as connection:  # the engine's once-only setup, not counted
        await connection.execute(_BACKEND_PID)
    backend = client = 0.0
    for _ in range(count):
        started = time.process_time()
        async with engine.connect() as connection:
            pid = int((await connection.execute(_BACKEND_PID)).scalar_one())
            client += time.process_time() - started
            backend += _ran_seconds(pid)
            # Closed rather than pooled: the next one is new.
            await connection.invalidate()
    await engine.dispose()
    return backend / count, client / count


def _log_problems(folder: Path) -> str:
    """The replicas' warnings and errors: how many, and the first of each."""
    logs = sorted(folder.glob("serve-*.log"))
    lines = [line for log in logs for line in log.read_text().splitlines()]
    found = []
    for level in ("WARNING", "ERROR"):
        hits = [line.strip() for line in lines if f" {level} " in line]
        found.append(
            f"{level.lower()}s={len(hits)}"
            + (f" first_{level.lower()}={hits[0]!r}" if hits else "")
        )
    return " ".join(found)


@contextmanager
def _replicas(
    url: str, api_url: str, folder: Path, pool: int | None
) -> Iterator[list[tuple[int, int]]]:
    """REPLICAS `tryghed serve` processes, scheduler on, started one after the other (each
    applies migrations at start), with pools of `pool` connections if given; yields their
    (pid, port)."""
    tryghed = (
        [sys.executable, __file__, "--tryghed-with-pool", str(pool)]
        if pool
        else [str(BIN / "tryghed")]
    )
    with ExitStack() as stack:
        started = []
        for n in range(REPLICAS):
            port = free_port()
            process = stack.enter_context(
                running(
                    [*tryghed, "serve", "--port", str(port)],
                    env=serve_env(url, api_url),
                    ready=f"http://127.0.0.1:{port}/readyz",
                    log=folder / f"serve-{n}.log",
                    cwd=folder,
                    stop_seconds=20,
                )
            )
            started.append((process.pid, port))
        yield started


@contextmanager
def _balancer(backends: list[int], folder: Path) -> Iterator[tuple[int, int]]:
    """A balancer in its own process in front of `backends`; yields its (pid, port)."""
    port = free_port()
    with running(
        [sys.executable, __file__, "--balancer", str(port), *map(str, backends)],
        env={"PATH": os.environ.get("PATH", "")},
        ready=f"http://127.0.0.1:{port}/readyz",
        log=folder / f"balancer-{len(backends)}.log",
        cwd=folder,
        stop_seconds=20,
    ) as process:
        yield process.pid, port


async def _measure(url: str, folder: Path, args: argparse.Namespace, api_url: str) -> None:
    forms = await _prepare(url)
    probe = await Probe.open(url)
    with (
        _replicas(url, api_url, folder, args.pool) as replicas,
        _balancer([replicas[0][1]], folder) as (one_pid, one_port),
        _balancer([port for _pid, port in replicas], folder) as (two_pid, two_port),
    ):
        probe.replicas = replicas
        requests = Requests(forms, two_port)
        one, two = Side("one", one_pid, one_port), Side("two", two_pid, two_port)
        # Warm up every replica (imports on first use, pools, bolt's auth.test).
        await _closed_loop(two_port, requests.make(200), 8, OURS)
        for _ in range(RUNS):
            await one.run(requests.make(args.requests), args.clients, probe)
            last = requests.make(args.requests)
            await two.run(last, args.clients, probe)
        duplicates = await _duplicates(
            last[: args.duplicates], requests, [port for _pid, port in replicas]
        )
    # The replicas' pools are built by the same create_engine (storage/engine.py).
    pool = probe.monitor.pool
    assert isinstance(pool, QueuePool)
    pool_size, max_overflow = (args.pool, 0) if args.pool else (pool.size(), pool._max_overflow)
    await probe.monitor.dispose()
    counted = await _counted(url)
    mismatched = await _consistent(url)
    backend, client = await _connection_cost(url)
    try_again = sum(any(m in failure for m in TRY_AGAIN) for failure in FAILED["ours"])
    lost = max(0, requests.people - counted)
    doubled = max(0, counted - requests.people) + duplicates.doubled
    one_rps, two_rps = statistics.median(one.rps), statistics.median(two.rps)
    print(
        f"P6 postgresql one_rps={one_rps:.0f} two_rps={two_rps:.0f} ratio={two_rps / one_rps:.2f} "
        f"lost={lost} doubled={doubled} cores={os.cpu_count()} sent={requests.people} "
        f"counted={counted} mismatched_counts={mismatched} try_again={try_again} "
        f"failed={len(FAILED['ours'])} clients={args.clients} "
        f"runs_one={'/'.join(f'{r:.0f}' for r in one.rps)} "
        f"runs_two={'/'.join(f'{r:.0f}' for r in two.rps)}",
        flush=True,
    )
    print(
        f"P6 postgresql duplicates replayed={duplicates.replayed} refused={duplicates.refused} "
        f"raced={len(duplicates.counted)} "
        f"counted_once={sum(n == 1 for n in duplicates.counted)} "
        f"second_refused={duplicates.second_refused}",
        flush=True,
    )
    for side in (one, two):
        print(f"P6 postgresql cpu {side.name} {side.median_usage().line()}", flush=True)
    print(
        f"P6 postgresql pool pool_size={pool_size} max_overflow={max_overflow} "
        f"per_replica peak_connections={probe.peak_connections} (both replicas together) "
        f"new_connection_pg_ms={1000 * backend:.2f} new_connection_client_ms={1000 * client:.2f}",
        flush=True,
    )
    print(f"P6 postgresql replica_logs {_log_problems(folder)}", flush=True)
    if FAILED["ours"]:
        print(f"P6 postgresql first_failure={FAILED['ours'][0]}", flush=True)
    raced = len(duplicates.counted)
    if lost or doubled or mismatched or try_again or duplicates.second_refused != raced:
        raise SystemExit("P6: answers lost, doubled, miscounted or asked to try again (above)")


async def main(argv: list[str]) -> None:
    """Run P6 on the PostgreSQL database given (it is emptied)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=DATABASE, help="a database of its own (emptied)")
    parser.add_argument("--requests", type=int, default=2000, help="per throughput run")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duplicates", type=int, default=10, help="replays and pairs each")
    parser.add_argument(
        "--pool", type=int, help="what if each replica kept this many connections, and no more"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        with slack_fake(folder) as api_url:
            try:
                await _measure(args.postgres, folder, args, api_url)
            except Exception:
                _show_logs(folder)
                raise


def tryghed_with_pool(size: int, argv: list[str]) -> int:
    """`tryghed` whose engines keep `size` connections and open none beyond them (a what-if
    for --pool: storage/engine.py keeps SQLAlchemy's 5, and opens and closes up to 10 more)."""
    import storage.engine
    from app.cli import main as tryghed

    storage.engine.create_async_engine = partial(  # type: ignore[attr-defined]
        create_async_engine, pool_size=size, max_overflow=0
    )
    return tryghed(argv)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--balancer"]:
        balancer(int(sys.argv[2]), [int(port) for port in sys.argv[3:]])
    elif sys.argv[1:2] == ["--tryghed-with-pool"]:
        sys.exit(tryghed_with_pool(int(sys.argv[2]), sys.argv[3:]))
    else:
        asyncio.run(main(sys.argv[1:]))
