"""Write each case's after/ (and after_openai/) tree by running the real ``ionos-migrate apply``
(``--target http`` / ``--target openai``) on a copy of before/.

Run it after changing a rule, then read ``git diff tests/cases`` line by line:
the after/ trees are the reviewed expectations, not a snapshot to accept blindly.
Usage: python tests/cases/regenerate.py [CASE ...]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "codemods"))

from test_codemods_cases import CASE_NAMES, TARGETS, apply, case_meta, write_model_map  # noqa: E402


def regenerate(name: str) -> None:
    for target, (after, expect_key) in TARGETS.items():
        if expect_key not in case_meta(name):
            continue
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            tree = tmp / "tree"
            shutil.copytree(HERE / name / "before", tree)
            result = apply(tree, write_model_map(case_meta(name), tmp), tmp / "report.json", target)
            print(f"{name} --target {target}: exit {result.exit_code}")
            destination = HERE / name / after
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(tree, destination, ignore=shutil.ignore_patterns("__pycache__"))


if __name__ == "__main__":
    for case in sys.argv[1:] or CASE_NAMES:
        regenerate(case)
