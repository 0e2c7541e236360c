"""What do the engine's guards against bad files cost? (issue 12)

In one run, interleaved rounds, median of ``--rounds``:

- the depth check (``ionos_migrate.depth.too_deep``, one ``ast.parse``)
  against the whole file phase of the same file (``engine.process_file``,
  which includes it), serially over a sample of this Python's standard
  library modules, each with a legacy call appended so the codemods work;
- ``pool.WorkerPool.map`` (notes which item each worker is on, survives a
  dying worker) against ``concurrent.futures.ProcessPoolExecutor.map`` with
  the same chunks, over the same files, on 2 workers;
- the same ``WorkerPool.map`` when one file kills its worker (SIGSEGV):
  what a break costs (a fresh pool, each suspect run alone);
- ``discovery.discover`` against a bare ``os.walk`` that only lists names
  (the floor), over this Python's ``lib`` folder.

Run: ``python bench/bench_robust.py [--files 120] [--rounds 5] [--out bench/RESULTS-robust.md]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import sysconfig
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from ionos_migrate.compat.model_map import ModelMap
from ionos_migrate.codemods.api import MigrationContext
from ionos_migrate.depth import too_deep
from ionos_migrate.discovery import SourceFile, discover
from ionos_migrate.engine import process_file
from ionos_migrate.pool import WorkerPool

LEGACY = '''

import requests as _ionos_requests

_ionos_answer = _ionos_requests.post(
    "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions",
    json={"properties": {"input": "Say hi"}},
    headers={"Authorization": "Bearer token"},
)
print(_ionos_answer.json()["properties"]["output"])
'''
JOBS = 2


def build_sample(root: Path, count: int) -> list[SourceFile]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    candidates = sorted(p for p in stdlib.glob("*.py") if 4_000 < p.stat().st_size < 60_000)
    files = []
    for index, path in enumerate(random.Random(0).sample(candidates, min(count, len(candidates)))):
        target = root / f"m{index:03d}_{path.name}"
        target.write_text(path.read_text("utf-8", errors="replace") + LEGACY, "utf-8")
        files.append(SourceFile(str(target), target.name, "python"))
    return files


def process_or_die(file: SourceFile, context: MigrationContext, die_on: str) -> object:
    if file.rel == die_on:
        import ctypes

        ctypes.string_at(0)  # SIGSEGV, as libcst's parser on a file nested too deep
    return process_file(file, context)


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def executor_map(work, files: list[SourceFile]) -> None:
    with ProcessPoolExecutor(JOBS) as executor:
        list(executor.map(work, files, chunksize=max(1, len(files) // (JOBS * 4))))


def worker_pool_map(work, files: list[SourceFile]) -> None:
    pool = WorkerPool(JOBS)
    try:
        list(pool.map(work, files, crashed=lambda item, reason: None))
    finally:
        pool.close()


def bare_walk(top: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(top))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    context = MigrationContext(model_map=ModelMap.load())
    with tempfile.TemporaryDirectory(prefix="bench-robust-") as folder:
        files = build_sample(Path(folder), args.files)
        sources = [Path(f.location).read_text("utf-8") for f in files]
        lines = sum(s.count("\n") for s in sources)
        work = partial(process_file, context=context)
        dying = partial(process_or_die, context=context, die_on=files[len(files) // 3].rel)
        lib = Path(sysconfig.get_paths()["stdlib"]).parent
        times: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for name, fn in (
                ("depth check, serial", lambda: [too_deep(s) for s in sources]),
                ("file phase, serial", lambda: [work(f) for f in files]),
                ("ProcessPoolExecutor.map", lambda: executor_map(work, files)),
                ("WorkerPool.map", lambda: worker_pool_map(work, files)),
                ("WorkerPool.map, one worker dies", lambda: worker_pool_map(dying, files)),
                ("os.walk, names only", lambda: bare_walk(lib)),
                ("discover", lambda: discover([lib], gitignore=False)),
            ):
                times.setdefault(name, []).append(timed(fn))
        walked = len(discover([lib], gitignore=False))
    median = {name: statistics.median(values) for name, values in times.items()}
    rows = [
        ("depth check, serial", "file phase, serial", "share of the file phase"),
        ("WorkerPool.map", "ProcessPoolExecutor.map", "vs the plain executor"),
        ("WorkerPool.map, one worker dies", "WorkerPool.map", "vs no death"),
        ("discover", "os.walk, names only", "vs a bare walk"),
    ]
    out = [
        "## robustness guards (issue 12)",
        "",
        f"Sample: {len(files)} standard-library modules of 4-60 KB ({lines:,} lines), each with a legacy call "
        f"appended; walk: {lib} ({walked:,} files discovered). {JOBS} workers.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} after the runs. Median of {args.rounds} interleaved rounds. "
        "Command: `python bench/bench_robust.py`.",
        "",
        "| what | seconds | peer | seconds | ratio |",
        "|---|---:|---|---:|---:|",
    ]
    for name, peer, what in rows:
        out.append(f"| {name} | {median[name]:.3f} | {peer} | {median[peer]:.3f} | "
                   f"{median[name] / median[peer]:.3f} ({what}) |")
    text = "\n".join(out) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
