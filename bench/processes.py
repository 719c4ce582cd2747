"""What the benchmarks share: free ports, child processes that are ready, their CPU time, the
wall clock."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

READY_SECONDS = 60.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_get(url: str) -> bytes:
    """GET `url`'s body (raises OSError unless 2xx)."""
    with urllib.request.urlopen(url, timeout=5) as answer:
        return bytes(answer.read())


@contextmanager
def running(
    args: list[str], *, env: dict[str, str], ready: str, log: Path, cwd: Path, stop_seconds: float
) -> Iterator[subprocess.Popen[bytes]]:
    """`args` as a process logging into `log`, once `ready` answers; SIGTERM afterwards (and
    SIGKILL if it has not stopped within `stop_seconds`)."""
    with log.open("ab") as out:
        process = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_ready(ready, process, log)
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(stop_seconds)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            http_get(url)
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} not ready:\n{log.read_text()[-3000:]}")


class WallClock:
    """The real time, in UTC (the service's Clock port)."""

    def now(self) -> datetime:
        """Now."""
        return datetime.now(UTC)


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a process has used so far: a cost that, unlike a rate, a
    busy host does not change much."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
