"""What laying out rewritten code to the line length costs the codemods.

Runs ``transform`` (both targets) over every Python file of the case library's
``before/`` trees, and over one generated module with ``--sites`` legacy calls
(a large file, to show the cost grows with the sites, not faster), with the
layout as shipped and, as the peer in the same run, with it switched off (the
changed statements and generated code written as the rules build them, the
code before issue 13). Rounds alternate; the median of ``--rounds`` counts.
Run: ``python bench/bench_layout.py``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SITE = '''

def ask{n}(text):
    r = requests.post(URL, json={{"properties": {{"input": text, "options": {{"max_length": "50"}}}}}}, headers={{"Authorization": "Bearer t"}})
    return r.json()["properties"]["output"]
'''


def sources(sites: int) -> dict[str, list[str]]:
    cases = [p.read_text("utf-8") for p in sorted((ROOT / "tests" / "cases").glob("*/before/**/*.py"))]
    big = 'import requests\n\nURL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"\n'
    big += "".join(SITE.format(n=n) for n in range(sites))
    return {f"case library before/ ({len(cases)} files)": cases, f"one module, {sites} sites ({big.count(chr(10))} lines)": [big]}


def run(files: list[str], context) -> float:
    from ionos_migrate.codemods import transform

    start = time.perf_counter()
    for text in files:
        transform(text, path="m.py", context=context)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sites", type=int, default=200)
    args = parser.parse_args()

    from ionos_migrate.codemods import MigrationContext, edits
    from ionos_migrate.compat.model_map import ModelMap

    shipped = edits.lay_out_all

    def switched_off(nodes, **_kwargs):
        return list(nodes)

    print(f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}; "
          f"median of {args.rounds} alternating rounds, both targets")
    print("| files | layout off (s) | layout on (s) | on / off |")
    print("|---|---:|---:|---:|")
    for name, files in sources(args.sites).items():
        times: dict[str, list[float]] = {"off": [], "on": []}
        for _ in range(args.rounds):
            for mode in ("off", "on"):
                edits.lay_out_all = shipped if mode == "on" else switched_off
                total = 0.0
                for target in ("http", "openai"):
                    total += run(files, MigrationContext(ModelMap.bundled(), target=target))
                times[mode].append(total)
        edits.lay_out_all = shipped
        off, on = statistics.median(times["off"]), statistics.median(times["on"])
        print(f"| {name} | {off:.2f} | {on:.2f} | {on / off:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
