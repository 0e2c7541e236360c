"""The pre-commit hook's environment: packages, size, and the first run's seconds.

Runs ``pre-commit run --files legacy.py`` in a scratch git repository holding
one legacy file and a ``.pre-commit-config.yaml`` that takes the hook
``ionos-migrate-scan`` from this repository at REF, with an empty ``PRE_COMMIT_HOME``, so the
first run builds the hook's environment as a new user's first commit does
(pip's own cache is left as it is, warm on this machine, for both refs;
``--no-pip-cache`` downloads every package as a first install anywhere does). Then
counts the packages in that environment (``pip list``, less pip and
setuptools) and its size on disk. Needs ``pre-commit`` on PATH (``pip install
pre-commit``). Run: ``python bench/bench_precommit.py --ref HEAD --ref main``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEGACY = ('import requests\n\nr = requests.post("https://inference.de-txl.ionos.com/models/'
          'b18b18de-92c3-466e-81a8-e5df91890091/predictions", json={"properties": {"input": "hi"}})\n')


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.invalid",
                        "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.invalid"})


def measure(ref: str, pre_commit: str, no_pip_cache: bool) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="ionos-bench-precommit-"))
    try:
        project, home = scratch / "project", scratch / "home"
        project.mkdir()
        (project / "legacy.py").write_text(LEGACY, encoding="utf-8")
        sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", ref], capture_output=True, text=True,
                             check=True).stdout.strip()
        (project / ".pre-commit-config.yaml").write_text(
            f"repos:\n- repo: {ROOT}\n  rev: {sha}\n  hooks:\n  - id: ionos-migrate-scan\n", encoding="utf-8")
        git(project, "init", "-q")
        git(project, "add", "legacy.py", ".pre-commit-config.yaml")
        git(project, "commit", "-qm", "legacy")
        env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
        if no_pip_cache:
            env["PIP_NO_CACHE_DIR"] = "1"
        command = [pre_commit, "run", "--files", "legacy.py"]
        started = time.perf_counter()
        first = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=900)
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=900)
        second_seconds = time.perf_counter() - started
        assert first.returncode == 1 and "ionos-migrate" in first.stdout, first.stdout + first.stderr
        (python,) = home.glob("*/py_env-*/bin/python")
        listed = subprocess.run([str(python), "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
                                capture_output=True, text=True, check=True)
        packages = sorted(p["name"] for p in json.loads(listed.stdout) if p["name"] not in ("pip", "setuptools"))
        env_dir = python.parents[1]
        size = sum(f.stat().st_size for f in env_dir.rglob("*") if f.is_file() and not f.is_symlink())
        return {"ref": ref, "packages": packages, "mb": size / 1e6, "first": first_seconds, "second": second_seconds,
                "says": next((line for line in first.stdout.splitlines() if "migratable" in line or "migrated" in line),
                             "")}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ref", action="append", default=None, help="git refs of this repository (default: HEAD)")
    parser.add_argument("--no-pip-cache", action="store_true", help="download every package (a cold first install)")
    args = parser.parse_args()
    pre_commit = shutil.which("pre-commit")
    if pre_commit is None:
        raise SystemExit("needs pre-commit on PATH: pip install pre-commit")
    print("| ref | packages | MB on disk | first run (s) | next run (s) |")
    print("|---|---:|---:|---:|---:|")
    results = [measure(ref, pre_commit, args.no_pip_cache) for ref in args.ref or ["HEAD"]]
    for r in results:
        print(f"| {r['ref']} | {len(r['packages'])} | {r['mb']:.0f} | {r['first']:.1f} | {r['second']:.1f} |")
    for r in results:
        print(f"\n{r['ref']}: {', '.join(r['packages'])}\n  {r['says'][:160]}")


if __name__ == "__main__":
    main()
