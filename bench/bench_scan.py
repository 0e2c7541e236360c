"""How fast is ``ionos-migrate scan`` on a big tree, next to ruff and grep?

Builds a tree under /tmp from this machine's Python standard library and its
site-packages (copied, so nothing real is touched; ruff's default excludes
would skip a folder called ``site-packages``, so the copy is called
``third_party``), plants a few legacy files, then times in one run, each
best of ``--repeat`` on a warm page cache:

- ``ionos-migrate scan``            (this tool: walk, byte prefilter, parse the rest)
- ``ruff check --select E9``        (parse every Python file, in Rust, on all cores)
- ``grep -rl <legacy host>``        (read every byte, match nothing else)
- libcst ``parse_module`` on a random sample of files, extrapolated to the tree

and checks that ``scan`` found the planted sites and nothing else. Needs ruff
in the environment (``pip install ruff``). Run: ``python bench/bench_scan.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

LEGACY = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"
PLANTED = {
    "planted/app/client.py": (
        "import requests\n\n"
        f'r = requests.post("{LEGACY}", json={{"properties": {{"input": "hi"}}}})\n'
        'print(r.json()["properties"]["output"])\n'
    ),
    "planted/app/settings.py": f'PREDICT_URL = "{LEGACY}"\n',
    "planted/app/use_settings.py": (
        "import requests\nfrom app.settings import PREDICT_URL\n\n"
        'r = requests.post(PREDICT_URL, json={"properties": {"input": "hi"}})\n'
        'print(r.json()["properties"]["output"])\n'
    ),
    "planted/deploy/.env": f"IONOS_URL={LEGACY}\n",
    # The shapes of issue 10: a base from the environment, an answer read in a module that sends nothing.
    "planted/svc/settings.py": 'import os\n\nAPI_URL = os.getenv("IONOS_API_URL", "")\n',
    "planted/svc/parsing.py": 'def text(raw):\n    return raw["properties"]["output"]\n',
    "planted/svc/client.py": (
        "import requests\n\nfrom .parsing import text\nfrom .settings import API_URL\n\n\n"
        "def ask(q, model):\n"
        '    r = requests.post(f"{API_URL}/{model}/predictions", json={"properties": {"input": q}})\n'
        "    return text(r.json())\n"
    ),
    "planted/svc/.env": "IONOS_API_URL=https://inference.de-txl.ionos.com/models\n",
}
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.so", "*.so.*", "*.a", "*.dylib", "*.exe", "*.whl")


def build_tree(root: Path) -> None:
    stdlib = Path(sysconfig.get_paths(vars={"base": sys.base_prefix})["stdlib"])
    print(f"building {root} from {stdlib} (its site-packages included, as third_party/)", file=sys.stderr)
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(stdlib, root / "stdlib", ignore=_stdlib_ignore, symlinks=True)
    site = stdlib / "site-packages"
    if site.is_dir():
        shutil.copytree(site, root / "third_party", ignore=IGNORE, symlinks=True)
    plant(root)


def plant(root: Path) -> None:
    shutil.rmtree(root / "planted", ignore_errors=True)
    for name, text in PLANTED.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _stdlib_ignore(folder: str, names: list[str]) -> set[str]:
    skipped = set(IGNORE(folder, names))
    if Path(folder).name.startswith("python3"):
        skipped.add("site-packages")  # copied on its own, as third_party/
    return skipped


def tree_size(root: Path) -> tuple[int, int]:
    files = lines = 0
    for path in root.rglob("*.py"):
        files += 1
        with open(path, "rb") as handle:
            lines += handle.read().count(b"\n")
    return files, lines


def best_of(command: list[str], repeat: int, *, cwd: Path) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, capture_output=True)
        times.append(time.perf_counter() - started)
    assert result is not None
    return min(times), result


def libcst_estimate(root: Path, sample: int) -> tuple[float, int]:
    """Seconds libcst would need to parse every .py file of the tree, from a random sample."""
    import libcst

    files = sorted(root.rglob("*.py"))
    chosen = random.Random(42).sample(files, min(sample, len(files)))
    spent = 0.0
    for path in chosen:
        data = path.read_bytes()
        started = time.perf_counter()
        try:
            libcst.parse_module(data)
        except Exception:  # noqa: BLE001 - a file libcst rejects still cost the time
            pass
        spent += time.perf_counter() - started
    return spent / len(chosen) * len(files), len(chosen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=Path(tempfile.gettempdir()) / "ionos-migrate-bench-tree")
    parser.add_argument("--rebuild", action="store_true", help="Copy the tree again even if it is there.")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=300, help="Files libcst parses for its estimate.")
    parser.add_argument("--results", type=Path, default=Path(__file__).with_name("RESULTS-scan.md"))
    args = parser.parse_args()

    root = args.tree
    if args.rebuild or not (root / "stdlib").is_dir():
        build_tree(root)
    plant(root)  # the planted files change with the tool's cases: always the current ones
    files, lines = tree_size(root)
    bindir = Path(sys.executable).parent
    report = root.parent / "ionos-migrate-bench-report.json"

    # One untimed pass of each warms the page cache, so every tool reads from memory.
    scan_cmd = [str(bindir / "ionos-migrate"), "scan", "--no-progress", "--report", str(report), str(root)]
    # exclude=[]: ruff's default excludes would skip folders such as site-packages or build
    ruff_cmd = [str(bindir / "ruff"), "check", "--select", "E9", "--no-cache", "--exit-zero", "--quiet",
                "--config", "exclude=[]", str(root)]
    grep_cmd = ["grep", "-rl", "inference.de-txl.ionos.com", str(root)]
    for command in (scan_cmd, ruff_cmd, grep_cmd):
        subprocess.run(command, capture_output=True)

    scan_s, scan = best_of(scan_cmd, args.repeat, cwd=root.parent)
    ruff_s, _ = best_of(ruff_cmd, args.repeat, cwd=root.parent)
    grep_s, _ = best_of(grep_cmd, args.repeat, cwd=root.parent)
    libcst_s, sampled = libcst_estimate(root, args.sample)

    data = json.loads(report.read_text("utf-8"))
    planted = {str((root / name).resolve()) for name in PLANTED}
    found = {str((root.parent / f["path"]).resolve()) if not os.path.isabs(f["path"]) else f["path"]
             for f in data["findings"]}
    stray = sorted(found - planted)
    summary = data["summary"]

    rows = [
        ("ionos-migrate scan", scan_s, "walk + byte prefilter + libcst on what is left"),
        ("ruff check --select E9 --no-cache", ruff_s, "parses every .py file (Rust, all cores)"),
        ("grep -rl <legacy host>", grep_s, "reads every byte, no parsing"),
        (f"libcst parse_module, every .py file (estimated from {sampled})", libcst_s, "one core"),
    ]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, {_cpu_name()}, Python {platform.python_version()}; "
               f"load average {load} after the runs (other work shares the machine)")
    out = [
        "## scan",
        "",
        f"Tree: {files:,} Python files, {lines:,} lines (this machine's standard library and site-packages, "
        f"copied) plus {len(PLANTED)} planted legacy files; {summary['files_scanned']:,} files scanned in all "
        f"(Python, notebooks, config and text files).",
        f"Machine: {machine}. Best of {args.repeat} on a warm page cache. Command: `python bench/bench_scan.py`.",
        "",
        "| what | seconds | vs scan | note |",
        "|---|---:|---:|---|",
    ]
    out += [f"| {name} | {secs:.2f} | {secs / scan_s:.1f}x | {note} |" for name, secs, note in rows]
    out += [
        "",
        f"scan: exit {scan.returncode}, {summary['files_prefiltered_out']:,} files prefiltered out, "
        f"{summary['files_parsed']} parsed, {len(data['findings'])} findings, "
        f"{len(stray)} outside the planted files{': ' + ', '.join(stray[:5]) if stray else ''}.",
        "",
    ]
    text = "\n".join(out)
    print(text)
    args.results.write_text(text, encoding="utf-8")
    quiet = {str((root / "planted/svc/settings.py").resolve())}  # reads a variable; the legacy value is in .env
    ok = scan.returncode == 1 and not stray and found >= planted - quiet
    return 0 if ok else 1


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
