"""`make bench`: run every benchmark in one go, one after another.

Each script prints its own figures and compares against its named peer in
the same run (ruff and grep for scan, direct-to-upstream for the proxy, a
shell loop of git and apply for the fleet, a bare call for an experiment), so
ratios stay meaningful on a noisy machine. BENCHMARKS.md records the figures.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    ["bench_scan.py"],
    ["bench_proxy.py", "--out", str(HERE / "RESULTS-proxy.md")],
    ["bench_service.py", "--rounds", "5", "--out", str(HERE / "RESULTS-service.md")],
    ["bench_emulator.py"],
    ["bench_fleet.py"],
    ["bench_experiment.py", "--out", str(HERE / "RESULTS-experiment.md")],
    ["bench_robust.py", "--files", "80", "--out", str(HERE / "RESULTS-robust.md")],
    ["bench_layout.py"],
]


def main() -> int:
    failed = 0
    for script, *args in SCRIPTS:
        print(f"\n=== {script} ===", flush=True)
        failed |= subprocess.run([sys.executable, str(HERE / script), *args]).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
