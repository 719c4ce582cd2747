"""A private PostgreSQL cluster with wal_level=logical, started and removed by the tests."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

# The user that runs the server when the tests run as root (PostgreSQL refuses root).
OWNER = "postgres"
START_SECONDS = 60
STOP_SECONDS = 30
COMMAND_SECONDS = 120
PORT_TRIES = 3
WAL_PAGE = 8192  # XLOG_BLCKSZ, PostgreSQL's default
_LONG_HEADER = 0x0002  # xlp_info: the first page of a segment has a long header
SETTINGS = {
    "wal_level": "logical",
    "max_replication_slots": "4",
    "max_wal_senders": "4",
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "full_page_writes": "on",
    "synchronous_commit": "on",
    "shared_buffers": "16MB",
    "max_connections": "40",
    "autovacuum": "off",
    "log_statement": "none",
}


class ClusterUnavailable(Exception):
    """This machine cannot run a private cluster (no binaries, no user to run them as)."""


class ClusterFailed(RuntimeError):
    """The cluster was there to start but did not; the message carries its log."""


@dataclass(frozen=True)
class Cluster:
    """A running private cluster: where it listens and where its files are."""

    port: int
    data: Path

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def wal_bytes(self) -> bytes:
        """Every WAL segment file's records, with the page headers taken out (a record that
        crosses a page boundary reads as one): what a WAL archive of the cluster holds."""
        chunks = []
        for segment in sorted((self.data / "pg_wal").glob("[0-9A-F]" * 24)):
            data = segment.read_bytes()
            for start in range(0, len(data), WAL_PAGE):
                info = int.from_bytes(data[start + 2 : start + 4], "little")
                chunks.append(data[start + (40 if info & _LONG_HEADER else 24) : start + WAL_PAGE])
        return b"".join(chunks)


def find_bindir() -> Path:
    """The newest PostgreSQL bin directory with initdb and pg_ctl (ClusterUnavailable if none)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, timeout=30, check=False
        )
        candidates.append(Path(found.stdout.strip()))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    raise ClusterUnavailable("no PostgreSQL binaries (initdb, pg_ctl) found on this machine")


@contextmanager
def private_cluster() -> Iterator[Cluster]:
    """Start a throw-away cluster on a free port of 127.0.0.1; stop and delete it afterwards."""
    bindir = find_bindir()
    owner = _owner()
    base = Path(tempfile.mkdtemp(prefix="tryghed-walcluster-"))
    data = base / "data"
    try:
        if owner is not None:
            os.chown(base, owner.pw_uid, owner.pw_gid)
        initdb = [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
        _run(owner, [*initdb, "-E", "UTF8", "--locale=C", "--no-sync"])
        settings = {**SETTINGS, "unix_socket_directories": f"'{base}'"}
        with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        port = _start(owner, bindir, data, base / "postgres.log")
        try:
            yield Cluster(port=port, data=data)
        finally:
            _stop(owner, bindir, data)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _owner() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        owner = pwd.getpwnam(OWNER)
    except KeyError:
        raise ClusterUnavailable(f"running as root and there is no {OWNER!r} user") from None
    if not shutil.which("runuser"):
        raise ClusterUnavailable("running as root and `runuser` is missing")
    return owner


def _run(owner: pwd.struct_passwd | None, command: list[str], *, seconds: float = 0) -> str:
    full = ["runuser", "-u", owner.pw_name, "--", *command] if owner else command
    try:
        done = subprocess.run(
            full, capture_output=True, text=True, timeout=seconds or COMMAND_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise ClusterFailed(f"{command[0]} timed out: {error.stdout!r} {error.stderr!r}") from None
    if done.returncode:
        raise ClusterFailed(f"{' '.join(command)} failed: {done.stdout}\n{done.stderr}")
    return done.stdout


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start(owner: pwd.struct_passwd | None, bindir: Path, data: Path, log: Path) -> int:
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", str(START_SECONDS)]
    failure = ""
    for _ in range(PORT_TRIES):
        port = _free_port()
        try:
            _run(
                owner,
                [*pg_ctl, "-l", str(log), "-o", f"-p {port}", "start"],
                seconds=START_SECONDS + 10,
            )
            return port
        except ClusterFailed as error:
            failure = f"{error}\n--- server log ---\n{_tail(log)}"
            if "could not bind" not in failure and "already in use" not in failure:
                break
    _stop(owner, bindir, data)
    raise ClusterFailed(f"the private PostgreSQL cluster did not start:\n{failure}")


def _stop(owner: pwd.struct_passwd | None, bindir: Path, data: Path) -> None:
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", str(STOP_SECONDS)]
    try:
        _run(owner, [*pg_ctl, "-m", "immediate", "stop"], seconds=STOP_SECONDS + 10)
    except ClusterFailed:
        _kill_postmaster(data)


def _kill_postmaster(data: Path) -> None:
    """Kill the server this module started: the pid in its postmaster.pid, if that process
    still runs on this data directory."""
    try:
        pid = int((data / "postmaster.pid").read_text(encoding="ascii").splitlines()[0])
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError, IndexError):
        return
    if str(data).encode() in command:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError as error:
        return f"(no log: {error})"
