"""P4: time from `tryghed serve` to ready, and its idle memory (SQLite, Slack on).

Prints `P4 start_to_ready_s=… target<=2` and `P4 idle_rss_mb=… target<=150`.

    python bench/p4_footprint.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

IDLE_SECONDS = 5
RUNS = 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _run_once(folder: Path) -> tuple[float, float]:
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TRYGHED_DATABASE_URL": f"sqlite+aiosqlite:///{folder / f'p4-{port}.db'}",
        "SLACK_SIGNING_SECRET": "p4-signing-secret-0123456789abcdef",
        "SLACK_BOT_TOKEN": "xoxb-p4",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "tryghed"), "serve", "--port", str(port)],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.02)
        ready = time.perf_counter() - started
        time.sleep(IDLE_SECONDS)
        return ready, _rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    """Start serve a few times; report the median start and the largest idle RSS."""
    with tempfile.TemporaryDirectory() as folder:
        runs = [_run_once(Path(folder)) for _ in range(RUNS)]
    starts = sorted(r[0] for r in runs)
    print(f"P4 start_to_ready_s={starts[len(starts) // 2]:.2f} target<=2 runs={RUNS}")
    print(f"P4 idle_rss_mb={max(r[1] for r in runs):.0f} target<=150")


if __name__ == "__main__":
    main()
