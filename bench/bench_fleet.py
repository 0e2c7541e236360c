"""How long does the fleet autofixer take over 50 repositories, and how much of it is git?

Builds 50 local repositories under /tmp (bare origins, all-repos's json_file
source, the merge_to_master push; nothing leaves the machine): 30 with legacy
calls in the shapes of the fleet tests (requests with settings across modules,
httpx clients, urllib, a notebook and an .env, manual-only sites, an
unparsable file, and one whose --check-cmd fails), 20 clean, each with
``--filler`` ordinary modules. Then, each on a fresh copy of the origins:

- ``python -m ionos_migrate.fleet -j 1`` and ``-j 4`` (this tool: all-repos's
  grep picks the repositories with a legacy signal; clone, apply, check,
  commit with a pull-request text, push)
- the named peer, the shell loop a team writes without it: for every
  repository ``git clone``, ``ionos-migrate apply``, ``git commit``, merge and
  ``git push`` (``xargs -P 1`` and ``-P 4``)

and checks that every run migrated the same repositories. Git's share comes
from the fleet report (the time of the git commands of each repository, plus
all-repos's grep). Run: ``python bench/bench_fleet.py`` (needs the [fleet]
extra: ``pip install -e '.[fleet]'``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fleet"))
from fleet_helpers import CHECK_CMD, Fleet, legacy_fleet  # noqa: E402

PEER = r"""
set -e
name="$1"; origin="$2"; work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone -q "$origin" "$work"
cd "$work"
git checkout -q -b migrate
ionos-migrate apply . --no-progress --jobs 1 >/dev/null 2>&1 || test $? -eq 1
if ! git diff --quiet; then
  git commit -qam "Move call sites off the retired IONOS AI Model Hub API"
  git checkout -q main
  git merge -q --no-ff --no-edit migrate
  git push -q origin HEAD
fi
"""


def build(root: Path, repos: int, legacy: int, filler: int) -> Fleet:
    shapes = [files for name, files in legacy_fleet().items() if name not in ("web/frontend", "tools/cli")]
    fleet: dict[str, dict[str, str]] = {}
    for n in range(repos):
        files = dict(shapes[n % len(shapes)]) if n < legacy else {"README.md": "A clean service.\n"}
        for k in range(filler):
            files[f"pkg/module_{k}.py"] = f'"""Ordinary code."""\n\nimport os\n\n\ndef f_{k}(x):\n    return os.sep.join([x] * {k})\n'
        fleet[f"team-{n % 5}/service-{n:02d}"] = files
    built = Fleet(root, fleet)
    built.clone()
    return built


def migrated_repos(fleet: Fleet, before: dict[str, str]) -> set[str]:
    after = fleet.heads()
    return {name for name in before if after[name] != before[name]}


def run_fleet(fleet: Fleet, pristine: Path, jobs: int) -> dict:
    _restore(fleet, pristine)
    before = fleet.heads()
    report = fleet.root / f"fleet-j{jobs}.json"
    started = time.perf_counter()
    done = fleet.fixer("-j", str(jobs), "--check-cmd", CHECK_CMD, "--report", str(report), timeout=3600)
    wall = time.perf_counter() - started
    assert done.returncode in (0, 1), done.stderr[-2000:]
    data = json.loads(report.read_text())
    (run,) = data["runs"]
    git = data["totals"]["git_seconds"] + run["find_repos_seconds"]
    return {"wall": wall, "git": git, "grep": run["find_repos_seconds"], "repo_seconds": data["totals"]["seconds"],
            "repo_git": data["totals"]["git_seconds"], "migrated": migrated_repos(fleet, before),
            "outcomes": data["outcomes"]}


def run_peer(fleet: Fleet, pristine: Path, jobs: int) -> dict:
    _restore(fleet, pristine)
    before = fleet.heads()
    script = fleet.root / "peer.sh"
    script.write_text(PEER)
    pairs = "".join(f"{name}\0{origin}\0" for name, origin in fleet.origins.items())
    env = {**fleet.env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{fleet.env['PATH']}"}
    started = time.perf_counter()
    done = subprocess.run(["xargs", "-0", "-n", "2", "-P", str(jobs), "bash", str(script)], input=pairs,
                          text=True, capture_output=True, env=env, timeout=3600)
    wall = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-2000:]
    return {"wall": wall, "migrated": migrated_repos(fleet, before)}


def _restore(fleet: Fleet, pristine: Path) -> None:
    shutil.rmtree(fleet.root / "origins")
    shutil.copytree(pristine, fleet.root / "origins", symlinks=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=50)
    parser.add_argument("--legacy", type=int, default=30)
    parser.add_argument("--filler", type=int, default=20, help="ordinary modules in every repository")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the fastest is shown")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as folder:
        root = Path(folder)
        started = time.perf_counter()
        fleet = build(root, args.repos, args.legacy, args.filler)
        print(f"built and cloned {args.repos} repositories in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
        pristine = root / "pristine-origins"
        shutil.copytree(root / "origins", pristine, symlinks=True)
        runs: dict[str, list[dict]] = {"fleet -j 1": [], "fleet -j 4": [], "peer -P 1": [], "peer -P 4": []}
        for _ in range(args.repeat):  # interleaved, so the machine's other load hits every kind alike
            runs["fleet -j 1"].append(run_fleet(fleet, pristine, 1))
            runs["fleet -j 4"].append(run_fleet(fleet, pristine, 4))
            runs["peer -P 1"].append(run_peer(fleet, pristine, 1))
            runs["peer -P 4"].append(run_peer(fleet, pristine, 4))
        results = {name: min(found, key=lambda r: r["wall"]) for name, found in runs.items()}
        spread = {name: (min(r["wall"] for r in found), max(r["wall"] for r in found)) for name, found in runs.items()}
    # The check-fails repositories are migrated by the peer (it has no check) and refused by the fleet.
    fleet_set = results["fleet -j 1"]["migrated"]
    assert results["fleet -j 4"]["migrated"] == fleet_set, "-j 4 migrated other repositories than -j 1"
    assert fleet_set <= results["peer -P 1"]["migrated"] == results["peer -P 4"]["migrated"]
    print(f"\n{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}; {args.repos} repositories ({args.legacy} with legacy calls), "
          f"{args.filler} filler modules each; fastest of {args.repeat} interleaved runs\n")
    print("| run | wall s | vs peer at the same parallelism | git s | git share | repositories changed |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        peer = results["peer -P 1" if name.endswith("1") else "peer -P 4"]["wall"]
        if "git" in r:
            share = r["git"] / r["wall"] if name.endswith("1") else r["repo_git"] / r["repo_seconds"]
            print(f"| {name} | {r['wall']:.1f} | {r['wall'] / peer:.2f}x | {r['git']:.1f} | {share:.0%} | "
                  f"{len(r['migrated'])} |")
        else:
            print(f"| {name} | {r['wall']:.1f} | 1.00x | | | {len(r['migrated'])} |")
    print("\nwall s, fastest-slowest of the runs: "
          + "; ".join(f"{name} {low:.1f}-{high:.1f}" for name, (low, high) in spread.items()))
    print(f"all-repos grep over the clones (find_repos): {results['fleet -j 1']['grep']:.2f} s")
    print(f"fleet outcomes: {results['fleet -j 1']['outcomes']}")
    print("git share: -j 1 is git's time over the wall time; -j 4 is git's time over the repositories' summed "
          "time (they overlap in wall time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
