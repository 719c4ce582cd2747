"""P5: `tryghed demo --weeks 52` end to end on a fresh SQLite file.

Prints `P5 demo_weeks=52 seconds=… target<=10` (the median of three runs).

    python bench/p5_demo.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 3


def main() -> None:
    """Run the demo three times and report the median wall time."""
    tryghed = str(Path(sys.executable).parent / "tryghed")
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(RUNS):
            started = time.perf_counter()
            subprocess.run(
                [
                    tryghed,
                    "demo",
                    "--weeks",
                    "52",
                    "--database",
                    f"{folder}/p5-{run}.db",
                    "--chart",
                    f"{folder}/p5-{run}.png",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            timings.append(time.perf_counter() - started)
    print(f"P5 demo_weeks=52 seconds={statistics.median(timings):.2f} target<=10 runs={RUNS}")


if __name__ == "__main__":
    main()
