"""Which files have uncommitted changes: ``apply`` leaves those alone unless told.

A rewrite of a file with uncommitted edits would mix the two in one diff,
and an untracked file has no committed copy to go back to. Files outside
any git work tree are not checked (there is nothing to ask).
"""

from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Iterable

from ionos_migrate.gitexcludes import work_tree_top

_REASONS = {"??": "untracked: no committed copy to go back to"}
NO_GIT = "in a git work tree, but git is not installed to check it for uncommitted changes"


def uncommitted(paths: Iterable[Path]) -> dict[Path, str]:
    """``{path: why}`` for each of ``paths`` that is not clean in its git work tree."""
    by_top: dict[Path, list[Path]] = defaultdict(list)
    for path in paths:
        # Found by its .git, not by asking git: one git call per work tree, not per file, and a work
        # tree git refuses to read is not taken for "no work tree" (so, clean).
        top = work_tree_top(Path(path).resolve().parent)
        if top is not None:
            by_top[top].append(Path(path))
    if by_top and shutil.which("git") is None:
        # Cannot ask; a file that sits in a work tree is then not known to be clean.
        return {path: NO_GIT for files in by_top.values() for path in files}
    dirty: dict[Path, str] = {}
    for top, files in by_top.items():
        dirty.update(_status(top, files))
    return dirty


def _status(top: Path, files: list[Path]) -> dict[Path, str]:
    result = subprocess.run(
        ["git", "-C", str(top), "status", "--porcelain=v1", "-z", "--untracked-files=all", "--",
         *(str(f.resolve().relative_to(top)) for f in files)],
        capture_output=True,
    )
    if result.returncode != 0:
        reason = "git status failed: " + result.stderr.decode(errors="replace").strip()
        return {f: reason for f in files}
    dirty = {}
    entries = iter(result.stdout.decode("utf-8", errors="surrogateescape").split("\0"))
    for entry in entries:
        if len(entry) > 3:
            code, name = entry[:2], entry[3:]
            dirty[(top / name).resolve()] = _REASONS.get(code, f"uncommitted changes (git status {code.strip()})")
            if "R" in code or "C" in code:
                next(entries, None)  # a rename's old path follows; it is not ours
    return {f: dirty[f.resolve()] for f in files if f.resolve() in dirty}
