"""The shipped pre-commit hook: its entry fails on legacy calls and passes on clean files."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from engine_helpers import CLEAN_MODULE, LEGACY_MODULE, LEGACY_URL, make_tree, run_subprocess

HOOKS = (Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text("utf-8")


def hook_field(name: str) -> str:
    return re.search(rf"^  {name}: (.+)$", HOOKS, re.M)[1]


def staged(root: Path) -> list[str]:
    """The file names pre-commit would pass: those its `files` pattern matches."""
    pattern = re.compile(hook_field("files"))
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
                  and pattern.search(p.relative_to(root).as_posix()))


def test_hook_fails_on_legacy_code_and_config_and_passes_on_clean_files(tmp_path):
    entry = shlex.split(hook_field("entry"))
    assert entry[:2] == ["ionos-migrate", "scan"]
    make_tree(tmp_path, {"app/legacy.py": LEGACY_MODULE, "app/clean.py": CLEAN_MODULE,
                         "deploy/.env": f"URL={LEGACY_URL}\n", "README.md": LEGACY_URL})
    files = staged(tmp_path)
    assert files == ["app/clean.py", "app/legacy.py", "deploy/.env"]
    failing = run_subprocess(tmp_path, *entry[1:], *files)
    assert failing.returncode == 1 and "app/legacy.py" in failing.stdout and "deploy/.env" in failing.stdout
    passing = run_subprocess(tmp_path, *entry[1:], "app/clean.py")
    assert passing.returncode == 0, passing.stdout + passing.stderr
