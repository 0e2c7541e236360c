"""Does the progress bar move file by file, and what do small chunks cost?

Builds a tree of ``--files`` legacy modules (each is parsed and rewritten)
under /tmp, then runs the engine (``ionos_migrate.engine.run``, as ``scan``
does) with ``--jobs`` workers for each chunk size: the old rule (a quarter
of each worker's share in one chunk), the engine's ``CHUNK_MAX`` and 1.
For each it records the wall time (best of ``--repeat``), the number of
progress callbacks, and the longest gap between two of them after the first
(how long the bar stands still). Run: ``python bench/bench_progress.py``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

MODULE = '''import requests

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"


def ask{n}(text):
    r = requests.post(URL, json={{"properties": {{"input": text, "options": {{"max_length": "50"}}}}}},
                      headers={{"Authorization": "Bearer t"}})
    return r.json()["properties"]["output"]
'''


def build(root: Path, files: int) -> None:
    for n in range(files):
        folder = root / f"pkg{n // 100}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"mod{n}.py").write_text(MODULE.format(n=n), encoding="utf-8")


def one_run(root: Path, jobs: int, chunk: int | None) -> tuple[float, int, float]:
    from ionos_migrate import engine
    from ionos_migrate.codemods.api import MigrationContext
    from ionos_migrate.compat.model_map import ModelMap

    ticks: list[float] = []
    original = engine.CHUNK_MAX
    if chunk is None:  # the old rule: work // (jobs * 4) files per chunk
        engine.CHUNK_MAX = 10**9
    else:
        engine.CHUNK_MAX = chunk
    try:
        started = time.perf_counter()
        result = engine.run(engine.RunOptions(paths=(root,), jobs=jobs), MigrationContext(model_map=ModelMap.bundled()),
                            progress=lambda phase, done, total: ticks.append(time.perf_counter()))
        wall = time.perf_counter() - started
    finally:
        engine.CHUNK_MAX = original
    assert len(result.changed) == sum(1 for _ in root.rglob("*.py")), "every module should be rewritten"
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    return wall, len(ticks), max(gaps) if gaps else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1500)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    from ionos_migrate import engine

    root = Path(tempfile.mkdtemp(prefix="ionos-bench-progress-"))
    try:
        build(root, args.files)
        print(f"{args.files} legacy modules, --jobs {args.jobs}, best of {args.repeat}; {platform.processor() or platform.machine()}, "
              f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
        print("| chunk | wall (s) | progress callbacks | longest stand-still (s) |")
        print("|---|---|---|---|")
        old = max(1, 2 * args.files // (args.jobs * 4))
        for label, chunk in ((f"old rule ({old})", None), (f"CHUNK_MAX ({engine.CHUNK_MAX})", engine.CHUNK_MAX),
                             ("1", 1)):
            runs = [one_run(root, args.jobs, chunk) for _ in range(args.repeat)]
            wall = min(r[0] for r in runs)
            ticks, gap = runs[0][1], min(r[2] for r in runs)
            print(f"| {label} | {wall:.2f} | {ticks} | {gap:.2f} |")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
