"""`make demo`: the main job on the bundled example, without touching it.

1. scan examples/legacy_app            (what calls the retired API)
2. diff examples/legacy_app            (the dry run a reviewer reads; nothing written)
3. apply on a temporary copy           (the rewrite)
4. verify original vs migrated copy    (both run against the offline emulator)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent / "legacy_app"
CLI = [sys.executable, "-m", "ionos_migrate"]


BOLD, PLAIN = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("", "")


def step(title: str, args: list[str], cwd: Path, expect: set[int]) -> None:
    print(f"\n{BOLD}$ ionos-migrate {' '.join(args)}{PLAIN}   # {title}", flush=True)
    code = subprocess.run(CLI + args, cwd=cwd).returncode
    if code not in expect:
        sys.exit(f"demo: 'ionos-migrate {args[0]}' exited {code}, expected {sorted(expect)}")


def main() -> None:
    os.environ.setdefault("IONOS_API_TOKEN", "demo-token")  # the emulator accepts any token
    with tempfile.TemporaryDirectory(prefix="ionos-migrate-demo-") as tmp:
        work = Path(tmp)
        # Copies, so not even __pycache__ lands in the example.
        shutil.copytree(EXAMPLE, work / "before")
        shutil.copytree(EXAMPLE, work / "after")
        step("list legacy call sites (exit 1: some found)", ["scan", "before", "--no-progress"], work, {1})
        step("dry run: the unified diff, nothing written (exit 1: changes proposed)",
             ["diff", "before", "--no-progress"], work, {1})
        step("rewrite the copy in place", ["apply", "after", "--no-progress"], work, {0, 1})
        step("prove it: run both against the offline emulator and compare",
             ["verify", "--before", "before", "--after", "after", "--", sys.executable, "main.py"], work, {0})
        step("the migrated copy has no legacy call site left (exit 0; info lines name constants to remove)",
             ["scan", "after", "--no-progress"], work, {0})
    print(f"\n{EXAMPLE} was not modified. Try: ionos-migrate diff {EXAMPLE.relative_to(Path.cwd()) if EXAMPLE.is_relative_to(Path.cwd()) else EXAMPLE} --report report.html")


if __name__ == "__main__":
    main()
